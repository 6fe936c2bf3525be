package org.partrec.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CsrMatrixTest {

    private static CsrMatrix matrix(int rows, int cols, int[][] triples, float[] values) {
        int[] r = new int[triples.length];
        int[] c = new int[triples.length];
        for (int k = 0; k < triples.length; k++) {
            r[k] = triples[k][0];
            c[k] = triples[k][1];
        }
        return CsrMatrix.fromTriples(rows, cols, r, c, values);
    }

    @Test
    void fromTriplesSumsTriplesNamingTheSameCell() {
        CsrMatrix m = matrix(2, 3,
                new int[][] {{0, 1}, {1, 0}, {0, 1}, {0, 1}},
                new float[] {1.5f, 3f, 2.5f, 0.25f});

        assertThat(m.nnz()).isEqualTo(2);
        assertThat(m.get(0, 1)).isEqualTo(4.25f);
        assertThat(m.get(1, 0)).isEqualTo(3f);
        assertThat(m.get(0, 0)).isZero();
        assertThat(m.get(1, 2)).isZero();
    }

    @Test
    void ofRowsTakesArraysInCsrFormAndRefusesAnythingElse() {
        // [[0, 2, 0], [0, 0, 0], [1, 0, 3]]
        CsrMatrix m = CsrMatrix.ofRows(3, 3, new int[] {0, 1, 1, 3}, new int[] {1, 0, 2}, new float[] {2, 1, 3});
        assertThat(m.get(0, 1)).isEqualTo(2f);
        assertThat(m.rowLength(1)).isZero();
        assertThat(m.get(2, 2)).isEqualTo(3f);
        assertThat(m.transpose().get(2, 2)).isEqualTo(3f);

        assertThatThrownBy(() -> CsrMatrix.ofRows(3, 3, new int[] {0, 2, 1, 3}, new int[] {1, 0, 2}, new float[3]))
                .hasMessage("row starts decrease at row 1");
        assertThatThrownBy(() -> CsrMatrix.ofRows(3, 3, new int[] {0, 1, 1, 3}, new int[] {1, 2, 0}, new float[3]))
                .hasMessage("row 2: columns not ascending, distinct and in 0..2");
        assertThatThrownBy(() -> CsrMatrix.ofRows(3, 3, new int[] {0, 1, 1, 3}, new int[] {1, 2, 2}, new float[3]))
                .hasMessage("row 2: columns not ascending, distinct and in 0..2");
        assertThatThrownBy(() -> CsrMatrix.ofRows(3, 3, new int[] {0, 1, 1, 3}, new int[] {3, 0, 2}, new float[3]))
                .hasMessage("row 0: columns not ascending, distinct and in 0..2");
        assertThatThrownBy(() -> CsrMatrix.ofRows(3, 3, new int[] {0, 1, 1, 2}, new int[] {1, 0, 2}, new float[3]))
                .hasMessageContaining("do not describe a 3 x 3 matrix of 3 entries");
        assertThatThrownBy(() -> CsrMatrix.ofRows(3, 3, new int[] {0, 1, 3}, new int[] {1, 0, 2}, new float[3]))
                .hasMessageContaining("do not describe");
    }

    @Test
    void duplicateSumIsTakenInDoubleAndRoundedOnce() {
        // 2^24 + 1 + 1 in float arithmetic stays 2^24 (each +1 rounds away); in double it is 2^24 + 2,
        // which a float holds exactly
        CsrMatrix m = matrix(1, 1, new int[][] {{0, 0}, {0, 0}, {0, 0}}, new float[] {16_777_216f, 1f, 1f});

        assertThat(m.get(0, 0)).isEqualTo(16_777_218f);
    }

    @Test
    void columnsOfEachRowComeOutSortedAndDistinct() {
        CsrMatrix m = matrix(3, 5,
                new int[][] {{2, 4}, {0, 3}, {2, 0}, {0, 1}, {2, 2}, {0, 3}, {0, 0}},
                new float[] {1, 2, 3, 4, 5, 6, 7});

        assertThat(m.indptr()).containsExactly(0, 3, 3, 6);
        assertThat(m.indices()).containsExactly(0, 1, 3, 0, 2, 4);
        assertThat(m.data()).containsExactly(7f, 4f, 8f, 3f, 5f, 1f);
        assertThat(m.rowLength(1)).as("empty row").isZero();
        assertThat(m.start(2)).isEqualTo(3);
        assertThat(m.end(2)).isEqualTo(6);
        assertThat(m.index(4)).isEqualTo(2);
        assertThat(m.value(4)).isEqualTo(5f);
    }

    @Test
    void noTriplesGiveAnEmptyMatrixOfTheRequestedShape() {
        CsrMatrix m = CsrMatrix.fromTriples(3, 2, new int[0], new int[0], new float[0]);

        assertThat(m.rows()).isEqualTo(3);
        assertThat(m.cols()).isEqualTo(2);
        assertThat(m.nnz()).isZero();
        assertThat(m.indptr()).containsExactly(0, 0, 0, 0);
    }

    @Test
    void cellsOutsideTheShapeAreRejected() {
        int[][] outside = {{-1, 0}, {2, 0}, {0, -1}, {0, 3}};
        for (int[] cell : outside) {
            assertThatThrownBy(() -> matrix(2, 3, new int[][] {{0, 0}, cell}, new float[] {1f, 1f}))
                    .as("cell (%d, %d)", cell[0], cell[1])
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("(" + cell[0] + ", " + cell[1] + ")")
                    .hasMessageContaining("2 x 3");
        }
    }

    @Test
    void triplesOfUnequalLengthAreRejected() {
        assertThatThrownBy(() -> CsrMatrix.fromTriples(2, 2, new int[] {0, 1}, new int[] {0}, new float[] {1f, 1f}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CsrMatrix.fromTriples(2, 2, new int[] {0}, new int[] {0}, new float[] {1f, 1f}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void transposeSwapsRowsAndColumnsWithSortedRows() {
        CsrMatrix m = matrix(2, 3,
                new int[][] {{0, 2}, {1, 0}, {0, 0}, {1, 2}},
                new float[] {1, 2, 3, 4});

        CsrMatrix t = m.transpose();

        assertThat(t.rows()).isEqualTo(3);
        assertThat(t.cols()).isEqualTo(2);
        assertThat(t.indptr()).containsExactly(0, 2, 2, 4);
        assertThat(t.indices()).containsExactly(0, 1, 0, 1);
        assertThat(t.data()).containsExactly(3f, 2f, 1f, 4f);
    }

    @Test
    void transposeTwiceGivesTheSameArraysOnRandomMatrices() {
        long seed = 20240611L;
        SplittableRandom random = new SplittableRandom(seed);
        for (int trial = 0; trial < 20; trial++) {
            int rows = 1 + random.nextInt(30);
            int cols = 1 + random.nextInt(30);
            int n = random.nextInt(200);
            int[] r = new int[n];
            int[] c = new int[n];
            float[] v = new float[n];
            for (int k = 0; k < n; k++) {
                r[k] = random.nextInt(rows);
                c[k] = random.nextInt(cols);
                v[k] = 1 + random.nextInt(100);
            }
            CsrMatrix m = CsrMatrix.fromTriples(rows, cols, r, c, v);
            CsrMatrix t = m.transpose();
            CsrMatrix back = t.transpose();

            assertThat(back.rows()).isEqualTo(rows);
            assertThat(back.cols()).isEqualTo(cols);
            assertThat(back.indptr()).as("seed %d trial %d", seed, trial).containsExactly(m.indptr());
            assertThat(back.indices()).as("seed %d trial %d", seed, trial).containsExactly(m.indices());
            assertThat(back.data()).as("seed %d trial %d", seed, trial).containsExactly(m.data());
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    assertThat(t.get(j, i)).isEqualTo(m.get(i, j));
                }
            }
            for (int j = 0; j < cols; j++) {
                for (int p = t.start(j) + 1; p < t.end(j); p++) {
                    assertThat(t.index(p)).isGreaterThan(t.index(p - 1));
                }
            }
        }
    }

    @Test
    void withDataKeepsThePatternAndChecksTheLength() {
        CsrMatrix m = matrix(2, 2, new int[][] {{0, 1}, {1, 0}}, new float[] {1f, 2f});

        CsrMatrix other = m.withData(new float[] {5f, 6f});

        assertThat(other.get(0, 1)).isEqualTo(5f);
        assertThat(other.get(1, 0)).isEqualTo(6f);
        assertThat(m.get(0, 1)).as("the original is unchanged").isEqualTo(1f);
        assertThatThrownBy(() -> m.withData(new float[3]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected 2 values, got 3");
    }

    @Test
    void columnCountsCountStoredEntries() {
        CsrMatrix m = matrix(3, 3,
                new int[][] {{0, 0}, {0, 2}, {2, 2}, {2, 2}, {2, 0}},
                new float[] {1f, 2f, 3f, 4f, 5f});

        assertThat(m.columnCounts()).containsExactly(2, 0, 2);
    }
}
