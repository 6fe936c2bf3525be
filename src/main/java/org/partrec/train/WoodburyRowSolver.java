package org.partrec.train;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * The same solve as {@link ExactRowSolver}, for a row with few items, from the precomputed inverse
 * of {@code A = Y^T Y + lambda I} ({@link #inverse}, once per model) and the Woodbury identity for
 * the row's rank-{@code n} update:
 * <pre>
 *   (A + U C U^T)^{-1} = A^{-1} - A^{-1} U (C^{-1} + U^T A^{-1} U)^{-1} U^T A^{-1},
 *   U = [y_1 .. y_n]  (k x n),   C = diag(c_i - 1)
 * </pre>
 * With {@code C = D^2}, {@code D = diag(sqrt(c_i - 1))}, and {@code G = U^T A^{-1} U}, the solution
 * {@code x = (A + U C U^T)^{-1} U c} is {@code x = A^{-1} U w} with
 * <pre>
 *   w = c - D S^{-1} D G c,   S = I + D G D
 * </pre>
 * ({@code (I + C G) w = c}, multiplied out). {@code S} is symmetric with eigenvalues {@code >= 1},
 * so its {@code n x n} Cholesky is well conditioned and never needs {@code C^{-1}} (a confidence of
 * exactly 1 is fine). A row costs {@code O(k^2 n + k n^2 + n^3)} instead of the {@code O(k^3)}
 * Cholesky of the {@code k x k} system; rows of more than {@code maxItems} items, rows with a
 * confidence below 1 (no real {@code D}) and models without an inverse go to {@link ExactRowSolver}.
 * Everything is computed in double precision. Holds its scratch; one per thread.
 *
 * <p>Glossary as {@link org.partrec.train} has it, plus: {@code inverse} is {@code A^{-1}}
 * (row-major, symmetric), {@code z} the columns of {@code A^{-1} U}, {@code g} is {@code G},
 * {@code s} is {@code S} and then its Cholesky factor.
 */
public final class WoodburyRowSolver {

    /**
     * Rows of at most this many items are solved here: {@code k / 2}, 32 items at 64 factors, where
     * {@code CoreBenchmark#foldInWoodburyAgainstExact} measured both solvers at the same cost on the
     * scale run's model (77 us each; 5.2 times cheaper at 3 items, 0.86 times at 40).
     */
    public static int crossover(int k) {
        return Math.max(1, k / 2);
    }

    /** The largest {@code max |A A^{-1} - I|} at which {@link #inverse} keeps the inverse. */
    static final double INVERSE_TOLERANCE = 1e-9;

    private final int k;
    private final int maxItems;
    private final ExactRowSolver exact;
    /** {@code A^{-1} y_q} for the row's items, {@code k} doubles each. */
    private final double[] z;
    /** {@code G}, then {@code S} and its Cholesky factor, {@code maxItems^2}. */
    private final double[] s;
    private final double[] c;
    private final double[] d;
    private final double[] t;

    /** A solver for rows of at most {@link #crossover} items; longer rows go to the exact solve. */
    public WoodburyRowSolver(int k) {
        this(k, crossover(k));
    }

    /** A solver that takes rows of up to {@code maxItems} items itself (tests and benchmarks). */
    public WoodburyRowSolver(int k, int maxItems) {
        this.k = k;
        this.maxItems = maxItems;
        exact = new ExactRowSolver(k);
        z = new double[maxItems * k];
        s = new double[maxItems * maxItems];
        c = new double[maxItems];
        d = new double[maxItems];
        t = new double[maxItems];
    }

    public int factors() {
        return k;
    }

    /**
     * {@code A^{-1}} for {@code gram} ({@code A = Y^T Y + lambda I}), row-major and exactly
     * symmetric, computed in double by Cholesky; null when {@code A} is not positive definite or
     * so badly conditioned (lambda 0) that {@code max |A A^{-1} - I| > 1e-9}: then every row
     * takes the exact solve.
     */
    public static double[] inverse(float[][] gram) {
        int k = gram.length;
        DMatrixRMaj a = new DMatrixRMaj(k, k);
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                a.data[i * k + j] = gram[i][j];
            }
        }
        LinearSolverDense<DMatrixRMaj> chol = LinearSolverFactory_DDRM.chol(k);
        if (!chol.setA(new DMatrixRMaj(a))) { // setA may decompose in place
            return null;
        }
        DMatrixRMaj inv = new DMatrixRMaj(k, k);
        chol.invert(inv);
        double[] out = new double[k * k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                out[i * k + j] = 0.5 * (inv.data[i * k + j] + inv.data[j * k + i]);
            }
        }
        // the Cholesky reads the lower triangle; check against the symmetric matrix it factored
        double worst = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double sum = 0;
                for (int m = 0; m < k; m++) {
                    double aim = i >= m ? a.data[i * k + m] : a.data[m * k + i];
                    sum += aim * out[m * k + j];
                }
                worst = Math.max(worst, Math.abs(sum - (i == j ? 1 : 0)));
            }
        }
        return worst <= INVERSE_TOLERANCE ? out : null;
    }

    /**
     * {@link ExactRowSolver#solve} for the row whose items are {@code items[from..to)} with
     * confidences {@code confidence[from..to)}, writing the factors to {@code x}; the items must
     * be distinct.
     *
     * @param gram    {@code Y^T Y + lambda I}, for the rows taken by the exact solve
     * @param inverse {@link #inverse} of {@code gram}, or null to solve exactly
     * @return true when solved by the Woodbury identity, false when by the exact solve
     */
    public boolean solve(float[][] y, float[][] gram, double[] inverse, int[] items, float[] confidence, int from,
                      int to, float[] x) {
        int n = to - from;
        if (inverse != null && n > 0 && n <= maxItems && woodbury(y, inverse, items, confidence, from, n, x)) {
            return true;
        }
        exact.solve(y, gram, items, confidence, from, to, x);
        return false;
    }

    /** The Woodbury solve; false (x untouched) when a confidence is below 1 or S is not positive. */
    private boolean woodbury(float[][] y, double[] inverse, int[] items, float[] confidence, int from, int n,
                             float[] x) {
        for (int p = 0; p < n; p++) {
            c[p] = confidence[from + p];
            if (!(c[p] >= 1)) {
                return false;
            }
            d[p] = Math.sqrt(c[p] - 1);
        }
        // z_q = A^{-1} y_q = sum_j y_q[j] A^{-1}[j, :]   (A^{-1} symmetric: row j is column j)
        java.util.Arrays.fill(z, 0, n * k, 0.0);
        for (int j = 0; j < k; j++) {
            int row = j * k;
            for (int q = 0; q < n; q++) {
                double yj = y[items[from + q]][j];
                int zq = q * k;
                for (int m = 0; m < k; m++) {
                    z[zq + m] += yj * inverse[row + m];
                }
            }
        }
        // G_pq = y_p . z_q = y_p^T A^{-1} y_q;   S = I + D G D;   t = D G c
        for (int p = 0; p < n; p++) {
            float[] yp = y[items[from + p]];
            for (int q = p; q < n; q++) {
                int zq = q * k;
                double g = 0;
                for (int m = 0; m < k; m++) {
                    g += yp[m] * z[zq + m];
                }
                s[p * n + q] = g;
                s[q * n + p] = g;
            }
        }
        for (int p = 0; p < n; p++) {
            double gc = 0;
            for (int q = 0; q < n; q++) {
                gc += s[p * n + q] * c[q];
            }
            t[p] = d[p] * gc;
        }
        for (int p = 0; p < n; p++) {
            for (int q = 0; q < n; q++) {
                s[p * n + q] *= d[p] * d[q];
            }
            s[p * n + p] += 1;
        }
        // S = L L^T (lower triangle, in place), then t = S^{-1} t by L and L^T
        for (int p = 0; p < n; p++) {
            for (int q = 0; q <= p; q++) {
                double sum = s[p * n + q];
                for (int m = 0; m < q; m++) {
                    sum -= s[p * n + m] * s[q * n + m];
                }
                if (p == q) {
                    if (!(sum > 0)) {
                        return false;
                    }
                    s[p * n + p] = Math.sqrt(sum);
                } else {
                    s[p * n + q] = sum / s[q * n + q];
                }
            }
        }
        for (int p = 0; p < n; p++) {
            double sum = t[p];
            for (int m = 0; m < p; m++) {
                sum -= s[p * n + m] * t[m];
            }
            t[p] = sum / s[p * n + p];
        }
        for (int p = n - 1; p >= 0; p--) {
            double sum = t[p];
            for (int m = p + 1; m < n; m++) {
                sum -= s[m * n + p] * t[m];
            }
            t[p] = sum / s[p * n + p];
        }
        // w = c - D t;   x = A^{-1} U w = sum_q w_q z_q
        for (int q = 0; q < n; q++) {
            t[q] = c[q] - d[q] * t[q];
        }
        for (int m = 0; m < k; m++) {
            double sum = 0;
            for (int q = 0; q < n; q++) {
                sum += t[q] * z[q * k + m];
            }
            x[m] = (float) sum;
        }
        return true;
    }
}
