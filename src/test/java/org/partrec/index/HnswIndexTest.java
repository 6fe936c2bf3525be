package org.partrec.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** HNSW against brute force, the way Lucene's HnswGraphTestCase checks every graph. */
class HnswIndexTest {

    static final long SEED = 2014;

    /** {@code n} vectors around {@code clusters} random centres, norms varying by cluster. */
    static float[][] clustered(int n, int dims, int clusters, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] centres = new float[clusters][dims];
        for (float[] c : centres) {
            for (int j = 0; j < dims; j++) {
                c[j] = (float) random.nextGaussian();
            }
        }
        float[][] rows = new float[n][dims];
        for (int i = 0; i < n; i++) {
            float[] c = centres[random.nextInt(clusters)];
            float scale = 0.5f + (float) random.nextDouble() * 1.5f;
            for (int j = 0; j < dims; j++) {
                rows[i][j] = scale * (c[j] + 0.3f * (float) random.nextGaussian());
            }
        }
        return rows;
    }

    static double recall(VectorIndex approximate, ExactIndex exact, float[][] queries, int k, int[] excluded) {
        double sum = 0;
        for (float[] q : queries) {
            int[] truth = exact.search(q, k, excluded).ids();
            int[] got = approximate.search(q, k, excluded).ids();
            java.util.Arrays.sort(truth);
            int hits = 0;
            for (int id : got) {
                hits += java.util.Arrays.binarySearch(truth, id) >= 0 ? 1 : 0;
            }
            sum += (double) hits / truth.length;
        }
        return sum / queries.length;
    }

    @ParameterizedTest
    @EnumSource(Similarity.class)
    void recallAtTenIsAtLeast95PercentOfExactOnClusteredVectors(Similarity similarity) {
        float[][] rows = clustered(5000, 32, 50, SEED);
        float[][] queries = clustered(200, 32, 50, SEED + 1);
        HnswIndex index = HnswIndex.build(rows, 32, similarity, HnswParams.DEFAULTS, 2);
        double r = recall(index, index.exact(), queries, 10, new int[0]);
        System.out.printf("hnsw %s recall@10 %.4f%n", similarity, r);
        assertThat(r).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void excludedIdsNeverComeBackAndTheListIsStillFull() {
        float[][] rows = clustered(2000, 16, 20, SEED);
        HnswIndex index = HnswIndex.build(rows, 16, Similarity.DOT, new HnswParams(16, 100, 100), 1);
        float[] q = rows[7];
        int[] firstTen = index.exact().search(q, 10).ids().clone();
        java.util.Arrays.sort(firstTen);
        Neighbors next = index.search(q, 10, firstTen);
        assertThat(next.ids()).hasSize(10).doesNotContain(firstTen);
        assertThat(recall(index, index.exact(), new float[][] {q}, 10, firstTen)).isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void scoresAreTheExactScores() {
        float[][] rows = clustered(1000, 8, 10, SEED);
        HnswIndex index = HnswIndex.build(rows, 8, Similarity.COSINE, new HnswParams(8, 64, 64), 1);
        Neighbors n = index.search(rows[3], 5);
        for (int j = 0; j < n.size(); j++) {
            assertThat(n.scores()[j]).isCloseTo(index.exact().score(rows[3], n.ids()[j]), within(1e-6f));
        }
        assertThat(n.ids()[0]).isEqualTo(3); // a vector is its own nearest cosine neighbour
        assertThat(n.scores()[0]).isCloseTo(1f, within(1e-5f));
    }

    @Test
    void manyExclusionsSwitchToTheExactScan() {
        float[][] rows = clustered(100, 4, 5, SEED);
        HnswIndex index = HnswIndex.build(rows, 4, Similarity.DOT, new HnswParams(4, 8, 1), 1); // a poor graph
        int[] excluded = new int[30];
        for (int i = 0; i < 30; i++) {
            excluded[i] = i;
        }
        // 10 + 30 candidates is 40% of the catalogue: past the default 25% share, so exact
        assertThat(index.search(rows[50], 10, excluded).ids())
                .containsExactly(index.exact().search(rows[50], 10, excluded).ids());
    }

    @Test
    void queryOfTheWrongLengthIsRefused() {
        HnswIndex index = HnswIndex.build(clustered(50, 4, 2, SEED), 4, Similarity.DOT, new HnswParams(4, 8, 8), 1);
        assertThatThrownBy(() -> index.search(new float[5], 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dimensions");
    }

    @Test
    void parametersAreCheckedWithTheirName() {
        assertThatThrownBy(() -> new HnswParams(1, 10, 10)).hasMessageContaining("m must");
        assertThatThrownBy(() -> new HnswParams(16, 8, 10)).hasMessageContaining("efConstruction");
        assertThatThrownBy(() -> new HnswParams(16, 16, 0)).hasMessageContaining("ef must");
    }
}
