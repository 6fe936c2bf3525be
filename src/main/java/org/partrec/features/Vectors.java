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

    /**
     * {@code a[0..n) . x[from..from+n)} summed in exactly the order {@link #combine} sums one column of
     * its rows (four terms at a time, then the rest one by one), so that a row scored on its own
     * gets the same float, bit for bit, as the same row scored in a transposed block.
     */
    public static float dotAsCombined(float[] a, float[] x, int from, int n) {
        float s = 0f;
        int r = 0;
        for (; r + 3 < n; r += 4) {
            s += a[r] * x[from + r] + a[r + 1] * x[from + r + 1] + a[r + 2] * x[from + r + 2] + a[r + 3] * x[from + r + 3];
        }
        for (; r < n; r++) {
            s += a[r] * x[from + r];
        }
        return s;
    }

    /**
     * {@code out[i] = dotAsCombined(a, x, from[i], n)} for {@code i} in {@code 0..count)}, four
     * rows per pass so that their memory reads overlap; the same floats, bit for bit.
     */
    public static void dotsAsCombined(float[] a, float[] x, int[] from, int count, int n, float[] out) {
        int i = 0;
        for (; i + 3 < count; i += 4) {
            int f0 = from[i];
            int f1 = from[i + 1];
            int f2 = from[i + 2];
            int f3 = from[i + 3];
            float s0 = 0f;
            float s1 = 0f;
            float s2 = 0f;
            float s3 = 0f;
            int r = 0;
            for (; r + 3 < n; r += 4) {
                float a0 = a[r];
                float a1 = a[r + 1];
                float a2 = a[r + 2];
                float a3 = a[r + 3];
                s0 += a0 * x[f0 + r] + a1 * x[f0 + r + 1] + a2 * x[f0 + r + 2] + a3 * x[f0 + r + 3];
                s1 += a0 * x[f1 + r] + a1 * x[f1 + r + 1] + a2 * x[f1 + r + 2] + a3 * x[f1 + r + 3];
                s2 += a0 * x[f2 + r] + a1 * x[f2 + r + 1] + a2 * x[f2 + r + 2] + a3 * x[f2 + r + 3];
                s3 += a0 * x[f3 + r] + a1 * x[f3 + r + 1] + a2 * x[f3 + r + 2] + a3 * x[f3 + r + 3];
            }
            for (; r < n; r++) {
                s0 += a[r] * x[f0 + r];
                s1 += a[r] * x[f1 + r];
                s2 += a[r] * x[f2 + r];
                s3 += a[r] * x[f3 + r];
            }
            out[i] = s0;
            out[i + 1] = s1;
            out[i + 2] = s2;
            out[i + 3] = s3;
        }
        for (; i < count; i++) {
            out[i] = dotAsCombined(a, x, from[i], n);
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
