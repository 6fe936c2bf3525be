package org.partrec.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.partrec.index.Neighbors;

/**
 * What every recommender must do, on the {@link Checkerboard}: the obvious item first, never a
 * known item, sorted finite scores, a clear error for an unknown user. Each recommender (ALS
 * through an exact scan or HNSW, with either solver; the popularity baseline) extends this.
 * Save and load arrive with the model store.
 */
abstract class RecommenderContract {

    protected Recommender recommender;

    /** Builds the recommender under test from the checkerboard. */
    protected abstract Recommender build();

    /** The item that must come first for {@code user} once its own items are excluded. */
    protected int obviousItem(int user) {
        return user;
    }

    @BeforeEach
    void setUp() {
        recommender = build();
    }

    @Test
    void knowsTheFixturesUsersAndItems() {
        assertThat(recommender.users()).isEqualTo(Checkerboard.SIZE);
        assertThat(recommender.items()).isEqualTo(Checkerboard.SIZE);
    }

    @Test
    void topOneIsTheObviousItem() {
        for (int u = 0; u < Checkerboard.SIZE; u++) {
            Neighbors top = recommender.recommend(u, 1, Checkerboard.owned(u));
            assertThat(top.ids()).as("top-1 of user %d", u).containsExactly(obviousItem(u));
        }
    }

    @Test
    void knownItemsAreNeverRecommendedAndEveryOtherItemIs() {
        for (int u = 0; u < Checkerboard.SIZE; u++) {
            int[] owned = Checkerboard.owned(u);
            Neighbors all = recommender.recommend(u, Checkerboard.SIZE, owned);
            assertThat(all.ids()).doesNotContain(owned).doesNotHaveDuplicates();
            assertThat(all.size()).isEqualTo(Checkerboard.SIZE - owned.length);
        }
    }

    @Test
    void scoresAreSortedAndFinite() {
        for (int u = 0; u < Checkerboard.SIZE; u++) {
            Neighbors all = recommender.recommend(u, Checkerboard.SIZE, new int[0]);
            assertThat(all.size()).isEqualTo(Checkerboard.SIZE);
            for (int j = 0; j < all.size(); j++) {
                assertThat(all.scores()[j]).isFinite();
                assertThat(all.ids()[j]).isBetween(0, Checkerboard.SIZE - 1);
                if (j > 0) {
                    assertThat(all.scores()[j]).isLessThanOrEqualTo(all.scores()[j - 1]);
                }
            }
        }
    }

    @Test
    void shorterListsArePrefixesOfLongerOnes() {
        int[] owned = Checkerboard.owned(3);
        Neighbors five = recommender.recommend(3, 5, owned);
        Neighbors ten = recommender.recommend(3, 10, owned);
        assertThat(Arrays.copyOf(ten.ids(), 5)).containsExactly(five.ids());
    }

    @Test
    void usersRankedTogetherGetExactlyWhatTheyGetOneByOne() {
        int[] users = new int[Checkerboard.SIZE];
        int[][] owned = new int[Checkerboard.SIZE][];
        for (int u = 0; u < users.length; u++) {
            users[u] = users.length - 1 - u; // in no particular order
            owned[u] = Checkerboard.owned(users[u]);
        }
        for (int k : new int[] {0, 3, Checkerboard.SIZE}) {
            Neighbors[] together = recommender.recommend(users, k, owned);
            assertThat(together).hasSize(users.length);
            for (int j = 0; j < users.length; j++) {
                Neighbors one = recommender.recommend(users[j], k, owned[j]);
                assertThat(together[j].ids()).as("user %d, k %d", users[j], k).containsExactly(one.ids());
                assertThat(together[j].scores()).as("user %d, k %d", users[j], k).containsExactly(one.scores());
            }
        }
        assertThatThrownBy(() -> recommender.recommend(new int[] {0, Checkerboard.SIZE}, 5, new int[2][0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown user");
    }

    @Test
    void zeroItemsAskedGivesAnEmptyList() {
        assertThat(recommender.recommend(0, 0, new int[0]).size()).isZero();
    }

    @Test
    void unknownUserIsAClearError() {
        assertThatThrownBy(() -> recommender.recommend(-1, 5, new int[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown user");
        assertThatThrownBy(() -> recommender.recommend(Checkerboard.SIZE, 5, new int[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown user");
    }

    @Test
    void negativeListLengthIsAClearError() {
        assertThatThrownBy(() -> recommender.recommend(0, -1, new int[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k must be");
    }
}
