package org.partrec.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link NormOrderedIndex} answers exactly what {@link ExactIndex} answers (same ids, same
 * scores, bit for bit), on vectors whose norms are skewed as ALS item factors are and on vectors
 * of equal norm, with exclusions and with every kind of filter.
 */
class NormOrderedIndexTest {

    static final int DIMS = 16;

    /** Gaussian directions with log-normal norms: a long tail of short vectors and a few long ones. */
    static float[][] skewed(int n, int dims, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] rows = ExactIndexTest.gaussian(n, dims, seed);
        for (float[] row : rows) {
            double scale = Math.exp(2.5 * random.nextGaussian() - 4);
            for (int j = 0; j < dims; j++) {
                row[j] *= (float) scale;
            }
        }
        return rows;
    }

    static float[][] unit(int n, int dims, long seed) {
        float[][] rows = ExactIndexTest.gaussian(n, dims, seed);
        for (float[] row : rows) {
            float norm = org.partrec.features.Vectors.norm(row, dims);
            for (int j = 0; j < dims; j++) {
                row[j] /= norm;
            }
        }
        return rows;
    }

    static void assertSame(Neighbors expected, Neighbors actual, String what) {
        assertThat(actual.ids()).as(what).containsExactly(expected.ids());
        assertThat(actual.scores()).as(what).containsExactly(expected.scores());
    }

    @Test
    void everyAnswerIsTheExactScansOnSkewedAndOnEqualNorms() {
        int n = 5 * NormOrderedIndex.TILE + 77;
        SplittableRandom random = new SplittableRandom(11);
        for (float[][] rows : new float[][][] {skewed(n, DIMS, 1), unit(n, DIMS, 2)}) {
            ExactIndex exact = new ExactIndex(rows, DIMS, Similarity.DOT);
            NormOrderedIndex index = new NormOrderedIndex(rows, DIMS);
            ItemSet[] filters = {
                null,                                                   // no filter
                ItemSet.of(n),                                          // keeps none
                ItemSet.of(n, 123),                                     // keeps one
                ItemSet.all(n),                                         // keeps everything
                ItemSet.matching(n, i -> i % 40 == 3),                  // selective: scanned on its own
                ItemSet.matching(n, i -> i % 3 != 0),                   // broad: tested during the scan
            };
            for (float[] q : ExactIndexTest.gaussian(30, DIMS, 3)) {
                int[] excluded = random.ints(random.nextInt(60), 0, n).distinct().sorted().toArray();
                for (ItemSet filter : filters) {
                    for (int k : new int[] {1, 10, 100, n + 5}) {
                        assertSame(exact.search(q, k, excluded, filter), index.search(q, k, excluded, filter),
                                "k " + k + ", filter " + filter);
                    }
                }
            }
        }
    }

    @Test
    void withGroupsAFilterMadeOfGroupsIsSearchedInThemAndExactlyAsTheFullScan() {
        int n = 4 * NormOrderedIndex.TILE + 31;
        float[][] rows = skewed(n, DIMS, 12);
        int[] groupOf = new int[n];
        for (int i = 0; i < n; i++) {
            groupOf[i] = i % 11 == 0 ? 5 : i % 5; // six groups, one small; group 6 is empty
        }
        groupOf[n - 1] = 7;
        Partition groups = Partition.of(groupOf);
        ExactIndex exact = new ExactIndex(rows, DIMS, Similarity.DOT);
        NormOrderedIndex index = NormOrderedIndex.grouped(rows, DIMS, groups);
        ItemSet everyThird = ItemSet.matching(n, i -> i % 3 == 0);
        ItemSet[] filters = {
            groups.union(2),                            // a whole group: its index
            groups.union(2, 5),                         // two groups (category and universal parts): two indexes
            groups.union(2).and(everyThird),            // within a group, each row tested
            everyThird.and(groups.union(1, 3)),         // the cover from either side of the and
            groups.union(0, 1, 2, 3).and(groups.union(3, 4, 5)), // the groups in both
            groups.union(1, 6),                         // with an empty group
            groups.union(1).not(),                      // most rows: the whole index, tested
            groups.union(6),                            // an empty group: nothing
            groups.union(),
            everyThird,                                 // no cover
            ItemSet.of(n, 7),
            ItemSet.of(n),
            null,
        };
        SplittableRandom random = new SplittableRandom(13);
        for (float[] q : ExactIndexTest.gaussian(25, DIMS, 14)) {
            int[] excluded = random.ints(random.nextInt(50), 0, n).distinct().sorted().toArray();
            for (ItemSet filter : filters) {
                for (int k : new int[] {1, 10, 300}) {
                    assertSame(exact.search(q, k, excluded, filter), index.search(q, k, excluded, filter),
                            "k " + k + ", filter " + filter);
                }
            }
        }
        assertThatThrownBy(() -> NormOrderedIndex.grouped(rows, DIMS, Partition.of(new int[3])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a partition of 3 rows");
    }

    /** Sets made of groups keep track of them through and, or and not, exactly where it can be known. */
    @Test
    void aSetKnowsTheGroupsThatHoldIt() {
        int[] groupOf = {0, 1, 2, 3, 1, 2, 0, 3, 3, 2};
        Partition groups = Partition.of(groupOf);
        ItemSet odd = ItemSet.matching(groupOf.length, i -> i % 2 == 1);

        ItemSet both = groups.union(1, 2).and(groups.union(2, 3));
        assertThat(both).isEqualTo(ItemSet.of(10, 2, 5, 9));
        assertThat(both.coverIn(groups)).containsExactly(2);
        assertThat(both.exactCover()).isTrue();
        ItemSet either = groups.union(3).or(groups.union(1));
        assertThat(either).isEqualTo(ItemSet.of(10, 1, 3, 4, 7, 8));
        assertThat(either.coverIn(groups)).containsExactly(1, 3);
        assertThat(either.exactCover()).isTrue();
        ItemSet rest = groups.union(0, 2).not();
        assertThat(rest).isEqualTo(either);
        assertThat(rest.coverIn(groups)).containsExactly(1, 3);
        assertThat(rest.exactCover()).isTrue();

        ItemSet oddOfTwo = odd.and(groups.union(2));
        assertThat(oddOfTwo).isEqualTo(ItemSet.of(10, 5, 9));
        assertThat(oddOfTwo.coverIn(groups)).containsExactly(2);
        assertThat(oddOfTwo.exactCover()).as("a subset of the group, not all of it").isFalse();
        assertThat(groups.union(2).and(odd).coverIn(groups)).containsExactly(2);
        assertThat(oddOfTwo.not().coverIn(groups)).as("the complement of a part is not known by groups").isNull();
        assertThat(odd.or(groups.union(2)).coverIn(groups)).isNull();
        assertThat(odd.coverIn(groups)).isNull();
        assertThat(groups.union(1).coverIn(Partition.of(groupOf))).as("another partition's groups").isNull();
        assertThat(groups.union().count()).isZero();

        assertThatThrownBy(() -> Partition.of(new int[] {0, -1})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("row 1 has no group");
        assertThatThrownBy(() -> groups.union(4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside 0..3");
    }

    @Test
    void aFilterKeepingOneItemGivesThatItemUnlessItIsExcluded() {
        float[][] rows = skewed(1000, DIMS, 4);
        NormOrderedIndex index = new NormOrderedIndex(rows, DIMS);
        float[] q = rows[500];
        assertThat(index.search(q, 10, new int[0], ItemSet.of(1000, 7)).ids()).containsExactly(7);
        assertThat(index.search(q, 10, new int[] {7}, ItemSet.of(1000, 7)).ids()).isEmpty();
        assertThat(index.search(q, 10, new int[0], ItemSet.of(1000)).ids()).isEmpty();
    }

    @Test
    void aBatchOfQueriesGivesWhatTheyGiveOneByOne() {
        int n = 3 * NormOrderedIndex.TILE + 10;
        float[][] rows = skewed(n, DIMS, 5);
        NormOrderedIndex index = new NormOrderedIndex(rows, DIMS);
        ExactIndex exact = new ExactIndex(rows, DIMS, Similarity.DOT);
        SplittableRandom random = new SplittableRandom(6);
        float[][] queries = ExactIndexTest.gaussian(2 * NormOrderedIndex.BLOCK + 9, DIMS, 7);
        queries[3] = new float[DIMS]; // a zero query: every score 0, ties to the lowest ids
        int[][] excluded = new int[queries.length][];
        for (int j = 0; j < queries.length; j++) {
            excluded[j] = random.ints(random.nextInt(40), 0, n).distinct().sorted().toArray();
        }
        Neighbors[] batch = index.search(queries, 20, excluded);
        Neighbors[] reference = exact.search(queries, 20, excluded);
        for (int j = 0; j < queries.length; j++) {
            assertSame(index.search(queries[j], 20, excluded[j]), batch[j], "query " + j);
            assertSame(reference[j], batch[j], "query " + j);
        }
    }

    @Test
    void equalScoresGoToTheLowerIdAsInTheExactScan() {
        float[][] rows = new float[700][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i % 7 == 0 ? new float[] {2f, 0f} : new float[] {0.5f, (i % 5) * 0.1f};
        }
        NormOrderedIndex index = new NormOrderedIndex(rows, 2);
        ExactIndex exact = new ExactIndex(rows, 2, Similarity.DOT);
        float[] q = {1f, 0f};
        assertSame(exact.search(q, 150), index.search(q, 150), "ties");
        assertThat(index.search(q, 3).ids()).containsExactly(0, 7, 14);
    }

    @Test
    void rowsWithNaNOrInfiniteNormsNeverStopTheScanEarly() {
        float[][] rows = skewed(2000, DIMS, 8);
        rows[1500] = rows[1500].clone();
        rows[1500][0] = Float.NaN;
        rows[1600] = rows[1600].clone();
        rows[1600][1] = Float.POSITIVE_INFINITY;
        NormOrderedIndex index = new NormOrderedIndex(rows, DIMS);
        ExactIndex exact = new ExactIndex(rows, DIMS, Similarity.DOT);
        for (float[] q : ExactIndexTest.gaussian(10, DIMS, 9)) {
            assertSame(exact.search(q, 10), index.search(q, 10), "query");
        }
    }

    @Test
    void refusesAQueryOrAFilterOfTheWrongSize() {
        NormOrderedIndex index = new NormOrderedIndex(skewed(100, DIMS, 10), DIMS);
        assertThatThrownBy(() -> index.search(new float[3], 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 dimensions");
        assertThatThrownBy(() -> index.search(new float[DIMS], 5, new int[0], ItemSet.all(99)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("99 rows");
    }
}
