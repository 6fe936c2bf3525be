package org.partrec.train;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Row products with the Vector API: fused multiply-adds over 8 lanes, dot products reduced in a
 * fixed lane order. The species is fixed (256 bits) rather than the machine's preferred one, so
 * factors are the same on every machine. Loaded reflectively, only when
 * {@code jdk.incubator.vector} is in the boot layer (see {@link Kernels}).
 */
final class VectorRowProducts extends RowProducts {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int L = 8;

    private final int bound;

    /**
     * Whether this machine runs 256-bit vectors natively; elsewhere (no AVX2, 128-bit NEON) the
     * API would emulate them, slower than the scalar kernels.
     */
    static boolean native256() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 256;
    }

    /** The machine's preferred float vectors, for messages: {@code 128-bit}, say. */
    static String species() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit";
    }

    VectorRowProducts(int k) {
        super(k);
        this.bound = S.loopBound(k);
    }

    @Override
    void combine(float[] coef, float[][] rows, int count, float[] out) {
        int r = 0;
        for (; r + 7 < count; r += 8) {
            axpy8(coef, rows, r, out);
        }
        for (; r + 3 < count; r += 4) {
            axpy4(coef[r], rows[r], coef[r + 1], rows[r + 1], coef[r + 2], rows[r + 2], coef[r + 3], rows[r + 3], out);
        }
        for (; r < count; r++) {
            axpy(coef[r], rows[r], out);
        }
    }

    /** {@code out += sum of coef[r+i] * rows[r+i]} for {@code i < 8}: one load and store of out per lane group. */
    private void axpy8(float[] coef, float[][] rows, int r, float[] out) {
        float[] x0 = rows[r];
        float[] x1 = rows[r + 1];
        float[] x2 = rows[r + 2];
        float[] x3 = rows[r + 3];
        float[] x4 = rows[r + 4];
        float[] x5 = rows[r + 5];
        float[] x6 = rows[r + 6];
        float[] x7 = rows[r + 7];
        FloatVector v0 = FloatVector.broadcast(S, coef[r]);
        FloatVector v1 = FloatVector.broadcast(S, coef[r + 1]);
        FloatVector v2 = FloatVector.broadcast(S, coef[r + 2]);
        FloatVector v3 = FloatVector.broadcast(S, coef[r + 3]);
        FloatVector v4 = FloatVector.broadcast(S, coef[r + 4]);
        FloatVector v5 = FloatVector.broadcast(S, coef[r + 5]);
        FloatVector v6 = FloatVector.broadcast(S, coef[r + 6]);
        FloatVector v7 = FloatVector.broadcast(S, coef[r + 7]);
        int j = 0;
        for (; j < bound; j += L) {
            FloatVector o = FloatVector.fromArray(S, out, j);
            o = FloatVector.fromArray(S, x0, j).fma(v0, o);
            o = FloatVector.fromArray(S, x1, j).fma(v1, o);
            o = FloatVector.fromArray(S, x2, j).fma(v2, o);
            o = FloatVector.fromArray(S, x3, j).fma(v3, o);
            o = FloatVector.fromArray(S, x4, j).fma(v4, o);
            o = FloatVector.fromArray(S, x5, j).fma(v5, o);
            o = FloatVector.fromArray(S, x6, j).fma(v6, o);
            o = FloatVector.fromArray(S, x7, j).fma(v7, o);
            o.intoArray(out, j);
        }
        for (; j < k; j++) {
            out[j] += coef[r] * x0[j] + coef[r + 1] * x1[j] + coef[r + 2] * x2[j] + coef[r + 3] * x3[j]
                    + coef[r + 4] * x4[j] + coef[r + 5] * x5[j] + coef[r + 6] * x6[j] + coef[r + 7] * x7[j];
        }
    }

    @Override
    void addProjected(float[] s, float[] v, float[] out) {
        int q = 0;
        for (; q + 3 < n; q += 4) {
            float[] y0 = rowsOf[q];
            float[] y1 = rowsOf[q + 1];
            float[] y2 = rowsOf[q + 2];
            float[] y3 = rowsOf[q + 3];
            // four dot products in one pass over v: independent FMA chains
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = FloatVector.zero(S);
            FloatVector a2 = FloatVector.zero(S);
            FloatVector a3 = FloatVector.zero(S);
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector vj = FloatVector.fromArray(S, v, j);
                a0 = FloatVector.fromArray(S, y0, j).fma(vj, a0);
                a1 = FloatVector.fromArray(S, y1, j).fma(vj, a1);
                a2 = FloatVector.fromArray(S, y2, j).fma(vj, a2);
                a3 = FloatVector.fromArray(S, y3, j).fma(vj, a3);
            }
            float t0 = a0.reduceLanes(VectorOperators.ADD);
            float t1 = a1.reduceLanes(VectorOperators.ADD);
            float t2 = a2.reduceLanes(VectorOperators.ADD);
            float t3 = a3.reduceLanes(VectorOperators.ADD);
            for (; j < k; j++) {
                t0 += y0[j] * v[j];
                t1 += y1[j] * v[j];
                t2 += y2[j] * v[j];
                t3 += y3[j] * v[j];
            }
            axpy4(s[q] * t0, y0, s[q + 1] * t1, y1, s[q + 2] * t2, y2, s[q + 3] * t3, y3, out);
        }
        for (; q < n; q++) {
            axpy(s[q] * dot(rowsOf[q], v), rowsOf[q], out);
        }
    }

    private float dot(float[] a, float[] b) {
        FloatVector acc = FloatVector.zero(S);
        int j = 0;
        for (; j < bound; j += L) {
            acc = FloatVector.fromArray(S, a, j).fma(FloatVector.fromArray(S, b, j), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; j < k; j++) {
            sum += a[j] * b[j];
        }
        return sum;
    }

    private void axpy(float c, float[] x, float[] out) {
        FloatVector vc = FloatVector.broadcast(S, c);
        int j = 0;
        for (; j < bound; j += L) {
            FloatVector.fromArray(S, x, j).fma(vc, FloatVector.fromArray(S, out, j)).intoArray(out, j);
        }
        for (; j < k; j++) {
            out[j] += c * x[j];
        }
    }

    private void axpy4(float c0, float[] x0, float c1, float[] x1, float c2, float[] x2, float c3, float[] x3,
                       float[] out) {
        FloatVector v0 = FloatVector.broadcast(S, c0);
        FloatVector v1 = FloatVector.broadcast(S, c1);
        FloatVector v2 = FloatVector.broadcast(S, c2);
        FloatVector v3 = FloatVector.broadcast(S, c3);
        int j = 0;
        for (; j < bound; j += L) {
            FloatVector o = FloatVector.fromArray(S, out, j);
            o = FloatVector.fromArray(S, x0, j).fma(v0, o);
            o = FloatVector.fromArray(S, x1, j).fma(v1, o);
            o = FloatVector.fromArray(S, x2, j).fma(v2, o);
            o = FloatVector.fromArray(S, x3, j).fma(v3, o);
            o.intoArray(out, j);
        }
        for (; j < k; j++) {
            out[j] += c0 * x0[j] + c1 * x1[j] + c2 * x2[j] + c3 * x3[j];
        }
    }
}
