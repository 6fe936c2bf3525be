package org.partrec.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ExactIndexTest {

    static final float[][] ROWS = {{1, 0}, {0, 2}, {3, 3}, {-1, -1}, {0, 0}};

    @Test
    void dotProductRanksByInnerProduct() {
        ExactIndex index = new ExactIndex(ROWS, 2, Similarity.DOT);
        Neighbors n = index.search(new float[] {1, 2}, 5);
        // scores: 1, 4, 9, -3, 0
        assertThat(n.ids()).containsExactly(2, 1, 0, 4, 3);
        assertThat(n.scores()).containsExactly(9f, 4f, 1f, 0f, -3f);
    }

    @Test
    void cosineIgnoresLengthAndScoresZeroVectorsZero() {
        ExactIndex index = new ExactIndex(ROWS, 2, Similarity.COSINE);
        Neighbors n = index.search(new float[] {2, 2}, 5);
        assertThat(n.ids()[0]).isEqualTo(2);
        assertThat(n.scores()[0]).isCloseTo(1f, within(1e-6f));
        // (1,0) and (0,2) both at 45 degrees: cos = 1/sqrt 2, ties by smaller id
        assertThat(n.ids()[1]).isEqualTo(0);
        assertThat(n.ids()[2]).isEqualTo(1);
        assertThat(n.scores()[1]).isCloseTo((float) (1 / Math.sqrt(2)), within(1e-6f));
        assertThat(n.ids()[3]).isEqualTo(4);
        assertThat(n.scores()[3]).isZero();
        assertThat(n.scores()[4]).isCloseTo(-1f, within(1e-6f));
    }

    @Test
    void excludedRowsAreSkipped() {
        ExactIndex index = new ExactIndex(ROWS, 2, Similarity.DOT);
        assertThat(index.search(new float[] {1, 2}, 2, new int[] {1, 2}).ids()).containsExactly(0, 4);
    }

    @Test
    void askingForMoreThanTheCatalogueGivesTheCatalogue() {
        assertThat(new ExactIndex(ROWS, 2, Similarity.DOT).search(new float[] {1, 1}, 50).size()).isEqualTo(5);
    }

    static float[][] gaussian(int n, int dims, long seed) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        float[][] rows = new float[n][dims];
        for (float[] row : rows) {
            for (int j = 0; j < dims; j++) {
                row[j] = (float) random.nextGaussian();
            }
        }
        return rows;
    }

    @Test
    void theTiledScanRanksAsAPlainLoopOverEveryRow() {
        int n = 2 * ExactIndex.TILE + 452; // two whole tiles and a partial one
        float[][] rows = gaussian(n, 7, 3);
        ExactIndex index = new ExactIndex(rows, 7, Similarity.DOT);
        for (float[] q : gaussian(20, 7, 4)) {
            Integer[] order = new Integer[n];
            double[] score = new double[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
                for (int j = 0; j < 7; j++) {
                    score[i] += (double) q[j] * rows[i][j];
                }
            }
            java.util.Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
            Neighbors top = index.search(q, 15);
            for (int r = 0; r < 15; r++) {
                assertThat(top.ids()[r]).isEqualTo(order[r]);
                assertThat((double) top.scores()[r]).isCloseTo(score[order[r]], within(1e-4));
            }
        }
    }

    @Test
    void aBatchOfQueriesGivesBitForBitWhatTheyGiveOneByOne() {
        int n = ExactIndex.TILE + 300;
        java.util.SplittableRandom random = new java.util.SplittableRandom(9);
        float[][] queries = gaussian(2 * ExactIndex.BLOCK + 5, 12, 6);
        int[][] excluded = new int[queries.length][];
        for (int j = 0; j < queries.length; j++) {
            excluded[j] = random.ints(random.nextInt(40), 0, n).distinct().sorted().toArray();
        }
        for (Similarity similarity : Similarity.values()) {
            ExactIndex index = new ExactIndex(gaussian(n, 12, 5), 12, similarity);
            Neighbors[] batch = index.search(queries, 25, excluded);
            assertThat(batch).hasSize(queries.length);
            for (int j = 0; j < queries.length; j++) {
                Neighbors one = index.search(queries[j], 25, excluded[j]);
                assertThat(batch[j].ids()).as("%s query %d", similarity, j).containsExactly(one.ids());
                assertThat(batch[j].scores()).as("%s query %d", similarity, j).containsExactly(one.scores());
                for (int id : batch[j].ids()) {
                    assertThat(excluded[j]).doesNotContain(id);
                }
            }
        }
    }

    /**
     * Each row's most similar rows with every pair scored once are the batch search's, ids and
     * score bits: tile counts odd and even (a round-robin round with a tile sitting out), a last
     * partial tile, exact ties (small integers, repeated rows), zero and NaN rows, k above the
     * catalogue, one row, none.
     */
    @Test
    void eachRowsSimilarRowsScoredOncePerPairAreTheBatchSearchsBitForBit() {
        for (int n : new int[] {0, 1, 7, ExactIndex.TILE, 2 * ExactIndex.TILE + 300, 3 * ExactIndex.TILE + 5}) {
            java.util.SplittableRandom random = new java.util.SplittableRandom(n);
            float[][] rows = new float[n][];
            for (int i = 0; i < n; i++) {
                rows[i] = new float[7];
                for (int j = 0; j < 7; j++) {
                    rows[i][j] = random.nextInt(5) - 2; // small integers: many exact ties
                }
            }
            for (int i = 0; i + 40 < n; i += 97) {
                rows[i + 40] = rows[i].clone(); // repeated rows: a cosine of exactly 1
                rows[i + 3] = new float[7];     // zero rows: every cosine 0
            }
            if (n > 20) {
                rows[20][2] = Float.NaN;
            }
            ExactIndex index = new ExactIndex(rows, 7, Similarity.COSINE);
            for (int k : n < 100 ? new int[] {1, 10, n + 3} : new int[] {1, 10, 60}) {
                int[][] self = new int[n][];
                for (int i = 0; i < n; i++) {
                    self[i] = new int[] {i};
                }
                Neighbors[] batch = index.search(rows, k, self);
                Neighbors[] once = index.similarToEach(k, 2);
                assertThat(once).hasSize(n);
                for (int i = 0; i < n; i++) {
                    assertThat(once[i].ids()).as("n %d, k %d, row %d", n, k, i).containsExactly(batch[i].ids());
                    assertThat(once[i].scores()).as("n %d, k %d, row %d", n, k, i).containsExactly(batch[i].scores());
                }
            }
        }
        assertThat(new ExactIndex(gaussian(10, 4, 1), 4, Similarity.COSINE).similarToEach(0, 2))
                .allSatisfy(list -> assertThat(list.ids()).isEmpty());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ExactIndex(gaussian(10, 4, 1), 4, Similarity.DOT)
                .similarToEach(3, 2)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aScoreOfMinusInfinityStillFillsTheListButNaNNever() {
        // -MAX * MAX overflows to -infinity: a row that ranks last, but a row
        float[][] rows = {{-Float.MAX_VALUE}, {1f}, {Float.NaN}};
        ExactIndex index = new ExactIndex(rows, 1, Similarity.DOT);
        Neighbors all = index.search(new float[] {Float.MAX_VALUE}, 3);
        assertThat(all.ids()).containsExactly(1, 0);
        assertThat(all.scores()[1]).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(index.search(new float[][] {{Float.MAX_VALUE}}, 3, new int[][] {{}})[0].ids()).containsExactly(1, 0);
    }
}
