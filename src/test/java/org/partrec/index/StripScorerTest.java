package org.partrec.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The batch search in strips ({@link VectorStripScorer}) answers exactly what the reference
 * answers, one query at a time ({@link ExactIndex#search(float[], int, int[])}) and tile by tile
 * (the batch path without the Vector API): the same ids in the same order, the same scores bit for
 * bit. On data made to break it: exact ties (small integers), skewed norms, zero rows, infinite
 * and NaN scores, dimensions that are not a multiple of four, catalogues smaller than {@code k}
 * or than a strip, a last tile that is not a whole number of strips, batches that are not a whole
 * number of groups of four.
 */
class StripScorerTest {

    static final StripScorer STRIPS = new VectorStripScorer();

    /** Rows of small integers (many exact ties), a share of them zero, norms spread over a factor of 100. */
    static float[][] awkward(int n, int dims, SplittableRandom random) {
        float[][] rows = new float[n][dims];
        for (float[] row : rows) {
            int kind = random.nextInt(10);
            if (kind == 0) {
                continue; // a zero row
            }
            float scale = kind == 1 ? 100f : kind == 2 ? 0.01f : 1f;
            for (int j = 0; j < dims; j++) {
                row[j] = kind < 5 ? random.nextInt(-2, 3) * scale : (float) random.nextGaussian() * scale;
            }
        }
        return rows;
    }

    static int[][] excluded(int queries, int n, SplittableRandom random, boolean self) {
        int[][] out = new int[queries][];
        for (int j = 0; j < queries; j++) {
            out[j] = self ? new int[] {j % Math.max(1, n)}
                    : random.ints(random.nextInt(Math.min(n, 40) + 1), 0, Math.max(1, n)).distinct().sorted().toArray();
        }
        return out;
    }

    static void assertSameAsReference(ExactIndex index, float[][] queries, int k, int[][] excluded, String what) {
        Neighbors[] strips = index.search(queries, k, excluded, STRIPS);
        Neighbors[] tiles = index.search(queries, k, excluded, null);
        assertThat(strips).hasSize(queries.length);
        for (int j = 0; j < queries.length; j++) {
            Neighbors one = index.search(queries[j], k, excluded[j]);
            String as = what + " query " + j;
            assertThat(strips[j].ids()).as(as).containsExactly(one.ids());
            assertThat(strips[j].scores()).as(as).containsExactly(one.scores()); // Float.equals: bit for bit
            assertThat(tiles[j].ids()).as(as).containsExactly(one.ids());
            assertThat(tiles[j].scores()).as(as).containsExactly(one.scores());
        }
    }

    @Test
    void stripsRankExactlyAsOneQueryAtATimeOnAwkwardData() {
        long seed = 20261206L;
        SplittableRandom random = new SplittableRandom(seed);
        int[] sizes = {0, 1, 5, STRIPS.width() - 1, STRIPS.width() + 3, 3 * ExactIndex.TILE + 2 * STRIPS.width() + 7};
        int[] dims = {1, 3, 4, 7, 12, 17, 64};
        for (int n : sizes) {
            for (int d : dims) {
                float[][] rows = awkward(n, d, random);
                float[][] queries = random.nextBoolean() && n > 0 ? java.util.Arrays.copyOf(rows, Math.min(n, 71))
                        : awkward(71, d, random);
                boolean self = queries.length <= n && queries[0] == rows[0];
                int[][] excluded = excluded(queries.length, n, random, self);
                for (Similarity similarity : Similarity.values()) {
                    ExactIndex index = new ExactIndex(rows, d, similarity);
                    for (int k : new int[] {0, 1, 10, 50}) {
                        assertSameAsReference(index, queries, k, excluded,
                                "seed " + seed + ", n " + n + ", dims " + d + ", " + similarity + ", k " + k);
                    }
                }
            }
        }
    }

    @Test
    void stripsRankEveryItemsSimilarItemsAsTheSnapshotDoes() {
        // the promotion's all-pairs job: every item against every item, itself excluded, cosine
        long seed = 7;
        int n = 2 * ExactIndex.TILE + 300;
        float[][] rows = NormOrderedIndexTest.skewed(n, 64, seed);
        int[][] self = new int[n][];
        for (int i = 0; i < n; i++) {
            self[i] = new int[] {i};
        }
        assertSameAsReference(new ExactIndex(rows, 64, Similarity.COSINE), rows, 50, self, "seed " + seed);
    }

    @Test
    void infiniteAndNaNScoresAreKeptAndDroppedAsTheTileScanDoes() {
        int n = 2 * STRIPS.width() + 5;
        float[][] rows = new float[n][2];
        for (int i = 0; i < n; i++) {
            rows[i][0] = i % 3 == 0 ? -Float.MAX_VALUE : i % 3 == 1 ? Float.NaN : 1f;
            rows[i][1] = i % 5;
        }
        float[][] queries = {{Float.MAX_VALUE, 0f}, {1f, 1f}, {0f, 0f}, {-1f, 2f}, {Float.MAX_VALUE, Float.MAX_VALUE}};
        int[][] none = new int[queries.length][0];
        ExactIndex index = new ExactIndex(rows, 2, Similarity.DOT);
        assertSameAsReference(index, queries, 3 * n, none, "all rows");
        assertSameAsReference(index, queries, 4, none, "four rows");
    }

    @Test
    void aStripsScoresAreTheTileScansBitForBit() {
        SplittableRandom random = new SplittableRandom(3);
        for (int d : new int[] {1, 5, 8, 64, 66}) {
            int len = 3 * STRIPS.width();
            float[][] tile = new float[d][len];
            for (float[] row : tile) {
                for (int i = 0; i < len; i++) {
                    row[i] = (float) random.nextGaussian();
                }
            }
            float[][] q = ExactIndexTest.gaussian(4, d, random.nextLong());
            float[] out = new float[4 * STRIPS.width()];
            float[] expected = new float[len];
            float[] floors = {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, Float.NaN};
            int above = STRIPS.score(q, 0, tile, d, STRIPS.width(), floors, out);
            assertThat(above & 1).as("nothing beats infinity").isZero();
            assertThat(above >> 1 & 1).as("everything beats minus infinity").isOne();
            assertThat(above >> 3 & 1).as("nothing beats NaN").isZero();
            for (int b = 0; b < 4; b++) {
                ExactIndex.scoreTile(q[b], tile, d, expected);
                for (int i = 0; i < STRIPS.width(); i++) {
                    assertThat(out[b * STRIPS.width() + i]).as("dims %d query %d row %d", d, b, i)
                            .isEqualTo(expected[STRIPS.width() + i]);
                }
            }
        }
    }
}
