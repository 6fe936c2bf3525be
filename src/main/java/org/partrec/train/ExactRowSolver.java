package org.partrec.train;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * The exact solve of one row's normal equations, in double precision:
 * <pre>
 *   (Y^T Y + lambda I + sum_i (c_i - 1) y_i y_i^T) x = sum_i c_i y_i
 * </pre>
 * over the row's items {@code i} with confidences {@code c_i}. The Cholesky solver's per-row step
 * and the fold-in of an anonymous basket both use it. Holds its scratch; one per thread.
 */
public final class ExactRowSolver {

    private final int k;
    private final DMatrixRMaj a;
    private final DMatrixRMaj b;
    private final DMatrixRMaj sol;
    private final LinearSolverDense<DMatrixRMaj> chol;
    /** An item's factors in double precision, for the sums of {@link #factor}. */
    private final double[] itemRow;
    private final UpperRankOne update;

    public int factors() {
        return k;
    }

    /** With the kernels {@link Kernels#best()} chooses. */
    public ExactRowSolver(int k) {
        this(k, Kernels.best());
    }

    /** With {@code kernels}: the same bits either way ({@link UpperRankOne}). */
    public ExactRowSolver(int k, Kernels kernels) {
        this.k = k;
        this.update = UpperRankOne.of(kernels);
        a = new DMatrixRMaj(k, k);
        b = new DMatrixRMaj(k, 1);
        sol = new DMatrixRMaj(k, 1);
        chol = LinearSolverFactory_DDRM.chol(k);
        itemRow = new double[k];
    }

    /**
     * Solves for the row whose items are {@code items[from..to)} with confidences
     * {@code confidence[from..to)}, writing the factors to {@code x}.
     *
     * @param gram {@code Y^T Y + lambda I}
     * @throws IllegalArgumentException when the system is singular (lambda 0 and too few items)
     */
    public void solve(float[][] y, float[][] gram, int[] items, float[] confidence, int from, int to, float[] x) {
        factor(y, gram, items, confidence, from, to);
        double[] bm = b.data;
        java.util.Arrays.fill(bm, 0.0);
        for (int q = from; q < to; q++) {
            float[] yq = y[items[q]];
            double cq = confidence[q];
            for (int i = 0; i < k; i++) {
                bm[i] += cq * yq[i];
            }
        }
        chol.solve(b, sol);
        for (int i = 0; i < k; i++) {
            x[i] = (float) sol.data[i];
        }
    }

    /**
     * Forms and factors the row's normal matrix {@code W^-1 = Y^T Y + lambda I + sum_i (c_i - 1) y_i y_i^T}
     * (as {@link #solve} does) for {@link #weigh}.
     *
     * @throws IllegalArgumentException when it is singular
     */
    public void factor(float[][] y, float[][] gram, int[] items, float[] confidence, int from, int to) {
        double[] am = a.data;
        double[] yd = itemRow;
        for (int i = 0; i < k; i++) { // the upper triangle, the part the Cholesky decomposition reads
            for (int j = i; j < k; j++) {
                am[i * k + j] = gram[i][j];
            }
        }
        for (int q = from; q < to; q++) {
            float[] yq = y[items[q]];
            for (int j = 0; j < k; j++) {
                yd[j] = yq[j];
            }
            update.add(am, k, yd, confidence[q] - 1.0);
        }
        for (int i = 1; i < k; i++) { // the lower triangle, mirrored
            for (int j = 0; j < i; j++) {
                am[i * k + j] = am[j * k + i];
            }
        }
        if (!chol.setA(a)) {
            throw new IllegalArgumentException("the normal equations are singular: regularization must be > 0 for"
                    + " the exact solver when a row has fewer observations than factors");
        }
    }

    /**
     * After {@link #factor} of the same row: each row item's share of {@code target}'s score,
     * {@code out[q - from] = c_q * target^T W y_q} (Hu, Koren and Volinsky 2008, section 5: the
     * score of the exact solve, {@code target^T x}, is their sum, since {@code x = W sum_q c_q y_q}).
     */
    public void weigh(float[][] y, int[] items, float[] confidence, int from, int to, float[] target, double[] out) {
        for (int i = 0; i < k; i++) {
            b.data[i] = target[i];
        }
        chol.solve(b, sol); // W target: W is symmetric
        double[] w = sol.data;
        for (int q = from; q < to; q++) {
            float[] yq = y[items[q]];
            double d = 0;
            for (int i = 0; i < k; i++) {
                d += w[i] * yq[i];
            }
            out[q - from] = confidence[q] * d;
        }
    }
}
