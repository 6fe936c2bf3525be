package org.partrec.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.partrec.index.Neighbors;
import org.partrec.train.ExactRowSolver;
import org.partrec.train.WoodburyRowSolver;

/**
 * The basket fold-in by the Woodbury identity serves what the exact solve served: the same items
 * with the same scores, on the demo store, for baskets below, at and beyond the crossover.
 */
class BasketFoldInTest {

    static final long SEED = 7;

    /** What {@link Storefront#forBasket} answered with the exact solve: its unfiltered top 10. */
    static Neighbors byTheExactSolve(Snapshot s, List<String> ids) {
        int[] basket = ids.stream().mapToInt(id -> s.items().indexOf(id)).filter(i -> i >= 0).distinct().sorted()
                .toArray();
        float[] confidence = new float[basket.length];
        Arrays.fill(confidence, s.foldInConfidence());
        float[] x = new float[s.model().factors()];
        new ExactRowSolver(x.length).solve(s.model().itemFactors(), s.gram(), basket, confidence, 0, basket.length,
                x);
        return s.recommendIndex().search(x, 10, basket, null);
    }

    @Test
    void basketsOfEverySizeGetTheAnswersOfTheExactSolve() {
        Snapshot s = StorefrontTest.EXACT;
        assertThat(s.gramInverse()).isNotNull();
        int crossover = WoodburyRowSolver.crossover(s.model().factors());
        SplittableRandom random = new SplittableRandom(SEED);
        int baskets = 0;
        for (int n : new int[] {1, 2, 3, 10, crossover, crossover + 1, 40}) {
            for (int r = 0; r < 40; r++) {
                List<String> ids = new ArrayList<>();
                for (int q = 0; q < n; q++) {
                    ids.add(s.items().idOf(random.nextInt(s.items().size())));
                }
                ids.add(ids.get(0)); // a repeated item counts once
                ids.add("no-such-part");
                Neighbors want = byTheExactSolve(s, ids);
                Storefront.Answer got = Storefront.forBasket(s, ids, 0, 10, ItemFilter.NONE);
                assertThat(got.items()).extracting(Storefront.Item::itemId).as("basket %s, seed %d", ids, SEED)
                        .containsExactly(Arrays.stream(want.ids()).mapToObj(i -> s.items().idOf(i))
                                .toArray(String[]::new));
                float[] scores = new float[got.items().size()];
                for (int j = 0; j < scores.length; j++) {
                    scores[j] = got.items().get(j).score();
                }
                assertThat(scores).as("basket %s, seed %d", ids, SEED).containsExactly(want.scores());
                baskets++;
            }
        }
        assertThat(baskets).isEqualTo(280);
    }
}
