package org.partrec.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class WeightingTest {

    private static final float EPS = 1e-6f;

    /** users x items: u0 = {i0: 2}, u1 = {i1: 1}, u2 = {i0: 1, i1: 3, i2: 6}. */
    private static CsrMatrix threeByThree() {
        return CsrMatrix.fromTriples(3, 3,
                new int[] {0, 1, 2, 2, 2},
                new int[] {0, 1, 0, 1, 2},
                new float[] {2f, 1f, 1f, 3f, 6f});
    }

    @Test
    void noneKeepsTheWeightsInAFreshArray() {
        CsrMatrix m = threeByThree();

        CsrMatrix out = Weighting.NONE.apply(m);

        assertThat(out.data()).containsExactly(2f, 1f, 1f, 3f, 6f);
        assertThat(out.data()).isNotSameAs(m.data());
        assertThat(out.indices()).containsExactly(m.indices());
    }

    @Test
    void log1pIsTheNaturalLogOfOnePlusTheWeight() {
        CsrMatrix m = CsrMatrix.fromTriples(1, 4, new int[] {0, 0, 0, 0}, new int[] {0, 1, 2, 3},
                new float[] {1f, 9f, 80_995f, 0.5f});

        float[] out = Weighting.LOG1P.apply(m).data();

        assertThat(out[0]).isCloseTo((float) Math.log(2), within(EPS));
        assertThat(out[1]).isCloseTo((float) Math.log(10), within(EPS));
        assertThat(out[2]).isCloseTo((float) Math.log(80_996), within(EPS * 12));
        assertThat(out[3]).isCloseTo((float) Math.log(1.5), within(EPS));
        assertThat(m.data()).as("input untouched").containsExactly(1f, 9f, 80_995f, 0.5f);
    }

    /**
     * implicit's bm25_weight on the item x user matrix, K1 = 100, B = 0.8. Items are the documents:
     * item sums i0 = 2 + 1 = 3, i1 = 1 + 3 = 4, i2 = 6, mean 13/3 over the 3 items. Users are the terms:
     * idf_u = ln(3 items) - ln(1 + items of u), so u0 and u1 (one item) get ln 3 - ln 2, u2 (three items)
     * gets ln 3 - ln 4 (negative, as in implicit).
     */
    @Test
    void bm25MatchesImplicitsFormulaOnTheItemByUserMatrix() {
        double mean = 13.0 / 3;
        double norm0 = 0.2 + 0.8 * 3 / mean;
        double norm1 = 0.2 + 0.8 * 4 / mean;
        double norm2 = 0.2 + 0.8 * 6 / mean;
        double idfOneItem = Math.log(3) - Math.log(2);
        double idfThreeItems = Math.log(3) - Math.log(4);

        CsrMatrix out = Weighting.BM25.apply(threeByThree());

        assertThat(out.get(0, 0)).isCloseTo((float) (2 * 101 / (100 * norm0 + 2) * idfOneItem), within(EPS));
        assertThat(out.get(1, 1)).isCloseTo((float) (1 * 101 / (100 * norm1 + 1) * idfOneItem), within(EPS));
        assertThat(out.get(2, 0)).isCloseTo((float) (1 * 101 / (100 * norm0 + 1) * idfThreeItems), within(EPS));
        assertThat(out.get(2, 1)).isCloseTo((float) (3 * 101 / (100 * norm1 + 3) * idfThreeItems), within(EPS));
        assertThat(out.get(2, 2)).isCloseTo((float) (6 * 101 / (100 * norm2 + 6) * idfThreeItems), within(EPS));
        assertThat(out.nnz()).isEqualTo(5);
    }

    /** implicit averages the item sums over every item row, empty ones included (row_sums.mean()). */
    @Test
    void bm25AveragesItemSumsOverAllItemsIncludingEmptyOnes() {
        // u0 = {i0: 1}, u1 = {i1: 3}; i2 has no interactions: mean = (1 + 3 + 0) / 3
        CsrMatrix m = CsrMatrix.fromTriples(2, 3, new int[] {0, 1}, new int[] {0, 1}, new float[] {1f, 3f});
        double mean = 4.0 / 3;
        double idf = Math.log(3) - Math.log(2);

        CsrMatrix out = Weighting.BM25.apply(m);

        assertThat(out.get(0, 0)).isCloseTo((float) (1 * 101 / (100 * (0.2 + 0.8 * 1 / mean) + 1) * idf), within(EPS));
        assertThat(out.get(1, 1)).isCloseTo((float) (3 * 101 / (100 * (0.2 + 0.8 * 3 / mean) + 3) * idf), within(EPS));
    }

    @Test
    void confidenceIsOnePlusAlphaTimesTheTransformedWeight() {
        CsrMatrix m = threeByThree();
        double alpha = 2.5;

        CsrMatrix c = Confidence.of(m, Weighting.LOG1P, alpha);

        assertThat(c.indptr()).containsExactly(m.indptr());
        assertThat(c.indices()).containsExactly(m.indices());
        assertThat(c.get(0, 0)).isCloseTo((float) (1 + alpha * Math.log(3)), within(EPS));
        assertThat(c.get(1, 1)).isCloseTo((float) (1 + alpha * Math.log(2)), within(EPS));
        assertThat(c.get(2, 2)).isCloseTo((float) (1 + alpha * Math.log(7)), within(EPS));
    }

    @Test
    void confidenceAppliesAlphaToTheBm25WeightAndNone() {
        CsrMatrix m = threeByThree();
        float[] bm25 = Weighting.BM25.apply(m).data();

        float[] c = Confidence.of(m, Weighting.BM25, 3.0).data();
        float[] raw = Confidence.of(m, Weighting.NONE, 0.5).data();

        for (int p = 0; p < m.nnz(); p++) {
            assertThat(c[p]).isCloseTo((float) (1 + 3.0 * bm25[p]), within(EPS));
            assertThat(raw[p]).isCloseTo((float) (1 + 0.5 * m.value(p)), within(EPS));
        }
    }

    @Test
    void confidenceWithAlphaZeroIsOneEverywhere() {
        assertThat(Confidence.of(threeByThree(), Weighting.NONE, 0).data()).containsOnly(1f);
    }

    @Test
    void confidenceRejectsNegativeOrNonFiniteAlpha() {
        for (double alpha : new double[] {-0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> Confidence.of(threeByThree(), Weighting.LOG1P, alpha))
                    .as("alpha %s", alpha)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("alpha");
        }
    }

    @Test
    void parseAcceptsTheThreeNamesInAnyCaseAndLabelRoundTrips() {
        assertThat(Weighting.parse("none")).isEqualTo(Weighting.NONE);
        assertThat(Weighting.parse("LOG1P")).isEqualTo(Weighting.LOG1P);
        assertThat(Weighting.parse(" Bm25 ")).isEqualTo(Weighting.BM25);
        for (Weighting w : Weighting.values()) {
            assertThat(Weighting.parse(w.label())).isEqualTo(w);
        }
        assertThat(Weighting.LOG1P.label()).isEqualTo("log1p");
    }

    @Test
    void parseRejectsAnUnknownNameListingTheValidOnes() {
        for (String bad : new String[] {"foo", "", "log", "bm-25"}) {
            assertThatThrownBy(() -> Weighting.parse(bad))
                    .as("'%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + bad + "'")
                    .hasMessageContaining("none, log1p or bm25");
        }
    }
}
