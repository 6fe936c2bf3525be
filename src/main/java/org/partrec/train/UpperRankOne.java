package org.partrec.train;

/**
 * {@code A += s y y^T} on the upper triangle of a row-major {@code k x k} matrix in double
 * precision, {@code s y_i} times {@code y_j} for {@code j >= i}: the sum {@link ExactRowSolver}
 * forms once an item of a row. {@link #SCALAR} is plain Java; the vector kernel
 * ({@code VectorUpperRankOne}, when {@link Kernels#best()} says so) does the same multiplications
 * and additions lane by lane, so both give the same bits. Entries below the diagonal may be written
 * with anything: the caller mirrors the upper triangle over them.
 */
abstract class UpperRankOne {

    static final UpperRankOne SCALAR = new UpperRankOne() {
        @Override
        void add(double[] a, int k, double[] y, double s0) {
            for (int i = 0; i < k; i++) { // row i from its diagonal: an axpy over contiguous doubles
                double s = s0 * y[i];
                int row = i * k;
                for (int j = i; j < k; j++) {
                    a[row + j] += s * y[j];
                }
            }
        }
    };

    /** {@code a[i][j] += (s0 * y[i]) * y[j]} for {@code j >= i}. */
    abstract void add(double[] a, int k, double[] y, double s0);

    /** The kernel {@code kernels} names. */
    static UpperRankOne of(Kernels kernels) {
        if (kernels == Kernels.SCALAR) {
            return SCALAR;
        }
        try {
            return (UpperRankOne) Class.forName("org.partrec.train.VectorUpperRankOne").getDeclaredConstructor()
                    .newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("vector kernels unavailable (run with --add-modules " + Kernels.MODULE + ")", e);
        }
    }
}
