package org.partrec.features;

/**
 * The dense kernels of the hot loops. Vectors are whole {@code float[]} rows indexed from 0: on
 * Java 17, C2 vectorises {@code y[j] += a * x[j]} over separate arrays but not over one array at
 * two unknown offsets (it can't rule out overlap), and it never vectorises a float sum. So the
 * fast paths are written as {@code axpy}s over whole rows, several rows per pass; {@link #dot}
 * is kept for the few short dot products that remain.
 */
public final class Vectors {

    private Vectors() {
    }

    /** {@code a[0..n) . b[0..n)}, four independent accumulators. */
    public static float dot(float[] a, float[] b, int n) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int j = 0;
        for (; j + 3 < n; j += 4) {
            s0 += a[j] * b[j];
            s1 += a[j + 1] * b[j + 1];
            s2 += a[j + 2] * b[j + 2];
            s3 += a[j + 3] * b[j + 3];
        }
        for (; j < n; j++) {
            s0 += a[j] * b[j];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** {@code y[0..n) += a * x[0..n)}. */
    public static void axpy(float a, float[] x, float[] y, int n) {
        for (int j = 0; j < n; j++) {
            y[j] += a * x[j];
        }
    }

    /** {@code y[0..n) += a0 x0 + a1 x1 + a2 x2 + a3 x3}: one pass over {@code y} for four rows. */
    public static void axpy4(float a0, float[] x0, float a1, float[] x1, float a2, float[] x2, float a3, float[] x3,
                             float[] y, int n) {
        for (int j = 0; j < n; j++) {
            y[j] += a0 * x0[j] + a1 * x1[j] + a2 * x2[j] + a3 * x3[j];
        }
    }

    /**
     * {@code y[0..n) += sum_r a[r] * rows[r][0..n)} for {@code r} in {@code 0..count)}, four rows
     * per pass over {@code y}.
     */
    public static void combine(float[] a, float[][] rows, int count, float[] y, int n) {
        int r = 0;
        for (; r + 3 < count; r += 4) {
            axpy4(a[r], rows[r], a[r + 1], rows[r + 1], a[r + 2], rows[r + 2], a[r + 3], rows[r + 3], y, n);
        }
        for (; r < count; r++) {
            axpy(a[r], rows[r], y, n);
        }
    }

    /** Euclidean norm of {@code a[0..n)}. */
    public static float norm(float[] a, int n) {
        return (float) Math.sqrt(dot(a, a, n));
    }

    /** A deep copy of a matrix stored as rows. */
    public static float[][] copy(float[][] rows) {
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = rows[i].clone();
        }
        return out;
    }
}
