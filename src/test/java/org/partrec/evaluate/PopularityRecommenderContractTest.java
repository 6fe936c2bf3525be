package org.partrec.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.partrec.features.CsrMatrix;
import org.partrec.features.IdMap;
import org.partrec.features.Interactions;
import org.partrec.index.Neighbors;

/** The recommender contract for the popularity baseline, plus its own ranking rule. */
class PopularityRecommenderContractTest extends RecommenderContract {

    @Override
    protected Recommender build() {
        return PopularityRecommender.fit(Checkerboard.userItems(), Checkerboard.interactions().items());
    }

    /** Every checkerboard item has 9 distinct users, so ties go to the smallest external id. */
    @Override
    protected int obviousItem(int user) {
        int[] owned = Checkerboard.owned(user);
        for (int i = 0; i < Checkerboard.SIZE; i++) {
            if (java.util.Arrays.binarySearch(owned, i) < 0) {
                return i;
            }
        }
        throw new AssertionError();
    }

    @Test
    void ranksByDistinctUsersNotByWeightThenByExternalId() {
        // item "b" has 3 users with weight 1; item "a" has 2 users with huge weights; "c" ties "b"
        IdMap users = IdMap.of("u1", "u2", "u3");
        IdMap items = IdMap.of("c", "a", "b");
        Interactions rows = new Interactions.Builder(users, items, 8)
                .add(0, 1, 1000f, 0).add(1, 1, 1000f, 0)
                .add(0, 2, 1f, 0).add(1, 2, 1f, 0).add(2, 2, 1f, 0)
                .add(0, 0, 1f, 0).add(1, 0, 1f, 0).add(2, 0, 1f, 0).build();
        CsrMatrix m = rows.userItems();
        Neighbors top = PopularityRecommender.fit(m, items).recommend(0, 3, new int[0]);
        assertThat(top.ids()).containsExactly(2, 0, 1); // "b" (3), "c" (3), "a" (2)
        assertThat(top.scores()).containsExactly(3f, 3f, 2f);
    }
}
