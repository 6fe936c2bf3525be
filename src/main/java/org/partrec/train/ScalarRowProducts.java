package org.partrec.train;

import java.util.Arrays;
import org.partrec.features.CsrMatrix;
import org.partrec.features.Vectors;

/**
 * Row products in plain Java. C2 (Java 17) vectorises axpys over whole arrays but no dot product,
 * so {@code Y_u v} is computed from a transposed copy of the row's factors
 * ({@code columns[j][q] = y_q[j]}, gathered from {@code Y^T} one coordinate at a time so that the
 * writes are sequential) as {@code k} axpys of length {@code n}.
 */
final class ScalarRowProducts extends RowProducts {

    private float[][] columns = new float[0][];
    private float[] t = new float[0];
    private float[] coef = new float[0];

    ScalarRowProducts(int k) {
        super(k);
    }

    @Override
    void ensureCapacity(int capacity) {
        super.ensureCapacity(capacity);
        if (t.length < capacity) {
            columns = new float[k][capacity];
            t = new float[capacity];
            coef = new float[capacity];
        }
    }

    @Override
    void load(CsrMatrix rows, int u, float[][] y, float[][] yt) {
        super.load(rows, u, y, yt);
        int[] indices = rows.indices();
        int start = rows.start(u);
        for (int j = 0; j < k; j++) {
            float[] from = yt[j];
            float[] to = columns[j];
            for (int q = 0; q < n; q++) {
                to[q] = from[indices[start + q]];
            }
        }
    }

    @Override
    void combine(float[] coef, float[][] rows, int count, float[] out) {
        Vectors.combine(coef, rows, count, out, k);
    }

    @Override
    void addProjected(float[] s, float[] v, float[] out) {
        Arrays.fill(t, 0, n, 0f);
        Vectors.combine(v, columns, k, t, n); // t_q = y_q . v
        for (int q = 0; q < n; q++) {
            coef[q] = s[q] * t[q];
        }
        Vectors.combine(coef, rowsOf, n, out, k);
    }
}
