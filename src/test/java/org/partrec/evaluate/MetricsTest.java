package org.partrec.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.partrec.Shuffled;

class MetricsTest {

    private static final double EPS = 1e-12;

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    private static double[] perUser(int[] ranked, int[] relevant, int k) {
        double[] out = new double[4];
        Metrics.perUser(ranked, relevant, k, out);
        return out;
    }

    private static void assertMetrics(double[] actual, double precision, double recall, double ndcg, double map) {
        assertThat(actual[0]).as("precision").isCloseTo(precision, within(EPS));
        assertThat(actual[1]).as("recall").isCloseTo(recall, within(EPS));
        assertThat(actual[2]).as("ndcg").isCloseTo(ndcg, within(EPS));
        assertThat(actual[3]).as("map").isCloseTo(map, within(EPS));
    }

    @Test
    void hitsAtRanksTwoAndFourOfFourWithTwoRelevant() {
        // ranked 5, 3, 8, 1; relevant {1, 3}: hits at ranks 2 and 4
        double[] m = perUser(new int[] {5, 3, 8, 1}, new int[] {1, 3}, 4);

        assertMetrics(m,
                2.0 / 2,
                2.0 / 2,
                (1 / log2(3) + 1 / log2(5)) / (1 + 1 / log2(3)),
                (1.0 / 2 + 2.0 / 4) / 2);
    }

    @Test
    void zeroHitsGiveZeroEverywhere() {
        double[] m = perUser(new int[] {7, 8, 9}, new int[] {1, 2}, 3);

        assertMetrics(m, 0, 0, 0, 0);
    }

    @Test
    void moreRelevantItemsThanKDivideByK() {
        // ranked 1, 9, 2; relevant {1, 2, 3, 4, 5}; k = 3: hits at ranks 1 and 3, ideal list fills all 3 ranks
        double[] m = perUser(new int[] {1, 9, 2}, new int[] {1, 2, 3, 4, 5}, 3);

        assertMetrics(m,
                2.0 / 3,
                2.0 / 5,
                (1 + 1 / log2(4)) / (1 + 1 / log2(3) + 1 / log2(4)),
                (1.0 / 1 + 2.0 / 3) / 3);
    }

    @Test
    void rankedEntriesBeyondKAreIgnored() {
        // ranked 6, 2, 1 with k = 2; relevant {1, 6}: only the hit at rank 1 counts
        double[] m = perUser(new int[] {6, 2, 1}, new int[] {1, 6}, 2);

        assertMetrics(m,
                1.0 / 2,
                1.0 / 2,
                1 / (1 + 1 / log2(3)),
                (1.0 / 1) / 2);
    }

    @Test
    void listShorterThanKStillDividesByMinOfKAndRelevant() {
        // one recommendation, a hit; two relevant items; k = 10
        double[] m = perUser(new int[] {3}, new int[] {3, 4}, 10);

        assertMetrics(m,
                1.0 / 2,
                1.0 / 2,
                1 / (1 + 1 / log2(3)),
                1.0 / 2);
    }

    @Test
    void perfectListScoresOne() {
        double[] m = perUser(new int[] {4, 2, 9}, new int[] {2, 4, 9}, 3);

        assertMetrics(m, 1, 1, 1, 1);
    }

    @Test
    void noRelevantItemsGiveZeroNotNaN() {
        assertMetrics(perUser(new int[] {1, 2}, new int[0], 2), 0, 0, 0, 0);
        assertMetrics(perUser(new int[0], new int[] {1}, 2), 0, 0, 0, 0);
    }

    @Test
    void perUserMatchesAPlainLoopReferenceOnRandomLists() {
        long seed = Long.getLong("partrec.test.seed", System.nanoTime());
        System.out.println("MetricsTest random seed: " + seed + " (rerun with -Dpartrec.test.seed=" + seed + ")");
        SplittableRandom random = new SplittableRandom(seed);
        double[] actual = new double[4];
        for (int trial = 0; trial < 2000; trial++) {
            int catalogue = 1 + random.nextInt(40);
            int[] shuffled = Shuffled.permutation(catalogue, random);
            int[] ranked = java.util.Arrays.copyOf(shuffled, random.nextInt(catalogue + 1));
            int[] relevant = IntStream.range(0, catalogue).filter(i -> random.nextInt(4) == 0).toArray();
            int k = 1 + random.nextInt(15);

            Metrics.perUser(ranked, relevant, k, actual);
            double[] expected = reference(ranked, relevant, k);

            for (int m = 0; m < 4; m++) {
                assertThat(actual[m])
                        .as("seed %d trial %d metric %d: ranked %s relevant %s k %d", seed, trial, m,
                                java.util.Arrays.toString(ranked), java.util.Arrays.toString(relevant), k)
                        .isCloseTo(expected[m], within(1e-9));
            }
        }
    }

    /** The protocol's definitions, written out literally (BENCHMARK.md, "Metrics"). */
    private static double[] reference(int[] ranked, int[] relevant, int k) {
        Set<Integer> rel = new HashSet<>();
        for (int r : relevant) {
            rel.add(r);
        }
        int denominator = Math.min(k, rel.size());
        if (denominator == 0) {
            return new double[4];
        }
        int hits = 0;
        double dcg = 0;
        double ap = 0;
        for (int rank = 1; rank <= Math.min(k, ranked.length); rank++) {
            if (rel.contains(ranked[rank - 1])) {
                hits++;
                dcg += 1 / log2(rank + 1);
                ap += (double) hits / rank;
            }
        }
        double idcg = 0;
        for (int rank = 1; rank <= denominator; rank++) {
            idcg += 1 / log2(rank + 1);
        }
        return new double[] {(double) hits / denominator, (double) hits / rel.size(), dcg / idcg, ap / denominator};
    }
}
