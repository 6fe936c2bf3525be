package org.partrec.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link WoodburyRowSolver} against its slow reference, {@link ExactRowSolver}. */
public class WoodburyRowSolverTest {

    static final long SEED = 20261206L;
    /**
     * Relative error allowed against the exact solve: a few float roundings of x. Both solve in
     * double and round to float at the end, so most answers are identical to the bit.
     */
    static final double TOLERANCE = 2e-6;
    int solves;
    int identical;

    /** {@code items} random rows of {@code k} gaussians times {@code scale}. */
    static float[][] gaussian(SplittableRandom random, int items, int k, double scale) {
        float[][] y = new float[items][k];
        for (float[] row : y) {
            for (int j = 0; j < k; j++) {
                row[j] = (float) (scale * random.nextGaussian());
            }
        }
        return y;
    }

    /** {@code n} distinct items out of {@code items}, as the storefront's basket: sorted. */
    static int[] basket(SplittableRandom random, int items, int n) {
        return random.ints(0, items).distinct().limit(n).sorted().toArray();
    }

    /** {@code |got - want| / |want|}, in double. */
    public static double relativeError(float[] got, float[] want) {
        double diff = 0;
        double norm = 0;
        for (int j = 0; j < want.length; j++) {
            diff += (got[j] - (double) want[j]) * (got[j] - (double) want[j]);
            norm += (double) want[j] * want[j];
        }
        return Math.sqrt(diff / norm);
    }

    /**
     * The largest relative error of the Woodbury solve (taking every row of up to {@code 2k}
     * items itself) against the exact one, over {@code rounds} random baskets of each size.
     */
    double worstError(float[][] y, double lambda, float[] confidences, int[] sizes, int rounds,
                             SplittableRandom random) {
        int k = y[0].length;
        float[][] gram = new AlsModel(k, new float[0][], y).itemGram(lambda);
        double[] inverse = WoodburyRowSolver.inverse(gram);
        assertThat(inverse).as("inverse of a gram with lambda %s", lambda).isNotNull();
        ExactRowSolver exact = new ExactRowSolver(k);
        WoodburyRowSolver woodbury = new WoodburyRowSolver(k, 2 * k);
        double worst = 0;
        float[] want = new float[k];
        float[] got = new float[k];
        for (int n : sizes) {
            for (int r = 0; r < rounds; r++) {
                int[] items = basket(random, y.length, n);
                float[] c = new float[n];
                for (int q = 0; q < n; q++) {
                    c[q] = confidences[random.nextInt(confidences.length)];
                }
                exact.solve(y, gram, items, c, 0, n, want);
                assertThat(woodbury.solve(y, gram, inverse, items, c, 0, n, got)).as("by Woodbury").isTrue();
                double e = relativeError(got, want);
                solves++;
                identical += java.util.Arrays.equals(got, want) ? 1 : 0;
                assertThat(e).as("n %d, round %d, seed %d", n, r, SEED).isLessThanOrEqualTo(TOLERANCE);
                worst = Math.max(worst, e);
            }
        }
        return worst;
    }

    @Test
    void matchesTheExactSolveOnRandomFactorsForBasketsOfEverySize() {
        SplittableRandom random = new SplittableRandom(SEED);
        int[] sizes = {1, 2, 3, 10, 31, 32, 33, 48, 64, 100, 128};
        for (double lambda : new double[] {0.05, 1, 5}) {
            float[][] y = gaussian(random, 5_000, 64, 0.1);
            // the fold-in's one confidence (alpha 1, log1p), one of 1 (alpha 0), and a training row's mix
            double worst = worstError(y, lambda, new float[] {1 + (float) Math.log(2)}, sizes, 20, random);
            worst = Math.max(worst, worstError(y, lambda, new float[] {1f}, sizes, 5, random));
            worst = Math.max(worst, worstError(y, lambda, new float[] {1f, 1.7f, 3f, 41f, 500f}, sizes, 20, random));
            System.out.printf("random factors, lambda %s: worst relative error %.2e, %d of %d identical (seed %d)%n",
                    lambda, worst, identical, solves, SEED);
        }
    }

    @Test
    void matchesTheExactSolveOnTrainedFactors() {
        float[][] y = TrainedFactors.items();
        SplittableRandom random = new SplittableRandom(SEED);
        double worst = worstError(y, TrainedFactors.LAMBDA, new float[] {1 + (float) Math.log(2)},
                new int[] {1, 2, 3, 10, 16, 17, 32, 40}, 50, random);
        System.out.printf("trained factors: worst relative error %.2e, %d of %d identical (seed %d)%n", worst,
                identical, solves, SEED);
    }

    @Test
    void theDefaultSolverTakesSmallRowsAndHandsLongOnesToTheExactSolve() {
        SplittableRandom random = new SplittableRandom(SEED);
        int k = 16;
        float[][] y = gaussian(random, 300, k, 0.3);
        float[][] gram = new AlsModel(k, new float[0][], y).itemGram(0.1);
        double[] inverse = WoodburyRowSolver.inverse(gram);
        WoodburyRowSolver solver = new WoodburyRowSolver(k);
        ExactRowSolver exact = new ExactRowSolver(k);
        assertThat(WoodburyRowSolver.crossover(k)).isEqualTo(8);
        for (int n : new int[] {1, 8, 9, 40}) {
            int[] items = basket(random, y.length, n);
            float[] c = new float[n];
            java.util.Arrays.fill(c, 2f);
            float[] want = new float[k];
            float[] got = new float[k];
            exact.solve(y, gram, items, c, 0, n, want);
            assertThat(solver.solve(y, gram, inverse, items, c, 0, n, got)).as("n %d by Woodbury", n)
                    .isEqualTo(n <= 8);
            assertThat(relativeError(got, want)).as("n %d", n).isLessThanOrEqualTo(TOLERANCE);
            if (n > 8) {
                assertThat(got).as("n %d: the exact solve itself", n).containsExactly(want);
            }
            assertThat(solver.solve(y, gram, null, items, c, 0, n, got)).isFalse();
            assertThat(got).as("n %d, no inverse", n).containsExactly(want);
        }
    }

    @Test
    void aConfidenceBelowOneOrAnUnregularisedSingularGramFallsBackToTheExactSolve() {
        SplittableRandom random = new SplittableRandom(SEED);
        int k = 8;
        float[][] y = gaussian(random, 50, k, 1);
        float[][] gram = new AlsModel(k, new float[0][], y).itemGram(0.5);
        double[] inverse = WoodburyRowSolver.inverse(gram);
        int[] items = {3, 7, 11};
        float[] c = {0.5f, 2f, 3f}; // bm25's c < 1 in training: no real sqrt(c - 1)
        float[] want = new float[k];
        float[] got = new float[k];
        new ExactRowSolver(k).solve(y, gram, items, c, 0, 3, want);
        assertThat(inverse).isNotNull();
        assertThat(new WoodburyRowSolver(k).solve(y, gram, inverse, items, c, 0, 3, got)).isFalse();
        assertThat(got).containsExactly(want);
        // five items span at most 5 of 8 dimensions: Y^T Y is singular, no inverse
        float[][] few = java.util.Arrays.copyOf(y, 5);
        assertThat(WoodburyRowSolver.inverse(new AlsModel(k, new float[0][], few).itemGram(0))).isNull();
    }
}
