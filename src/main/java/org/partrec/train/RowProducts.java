package org.partrec.train;

import org.partrec.features.CsrMatrix;

/**
 * The products a CG step needs for one row {@code u} of the confidence matrix, with
 * {@code Y_u} the factor rows of its {@code n} columns: {@code G v}, {@code sum_q w_q y_q} and
 * {@code sum_q s_q (y_q . v) y_q}. One instance per worker thread, reused row after row.
 * {@link ScalarRowProducts} and {@link VectorRowProducts} implement it; the CG algorithm in
 * {@link AlsTrainer} is written once against this class.
 */
abstract class RowProducts {

    final int k;
    /** Entries of the current row. */
    int n;
    /** {@code c_q} of the current row's entries. */
    float[] confidence = new float[0];
    /** {@code c_q - 1}. */
    float[] confidenceMinusOne = new float[0];
    /** {@code y_q}: the factor row of the current row's q-th column. */
    float[][] rowsOf = new float[0][];

    RowProducts(int k) {
        this.k = k;
    }

    /** Grows per-entry scratch to rows of {@code n} entries. */
    void ensureCapacity(int capacity) {
        if (confidence.length < capacity) {
            confidence = new float[capacity];
            confidenceMinusOne = new float[capacity];
            rowsOf = new float[capacity][];
        }
    }

    /**
     * Makes row {@code u} current.
     *
     * @param yt {@code Y^T} (k rows), for implementations that gather coordinates
     */
    void load(CsrMatrix rows, int u, float[][] y, float[][] yt) {
        int start = rows.start(u);
        n = rows.end(u) - start;
        int[] indices = rows.indices();
        float[] data = rows.data();
        for (int q = 0; q < n; q++) {
            rowsOf[q] = y[indices[start + q]];
            confidence[q] = data[start + q];
            confidenceMinusOne[q] = data[start + q] - 1f;
        }
    }

    /** {@code out[0..k) += sum_r coef[r] rows[r][0..k)} for {@code r < count}. */
    abstract void combine(float[] coef, float[][] rows, int count, float[] out);

    /** {@code out = G v} for the symmetric {@code k x k} matrix {@code g}. */
    final void gram(float[][] g, float[] v, float[] out) {
        java.util.Arrays.fill(out, 0, k, 0f);
        combine(v, g, k, out);
    }

    /** {@code out += sum_q w_q y_q}. */
    final void accumulate(float[] w, float[] out) {
        combine(w, rowsOf, n, out);
    }

    /** {@code out += sum_q s_q (y_q . v) y_q}. */
    abstract void addProjected(float[] s, float[] v, float[] out);
}
