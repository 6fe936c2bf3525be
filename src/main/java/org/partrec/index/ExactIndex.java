package org.partrec.index;

import java.util.function.IntPredicate;
import org.partrec.features.Vectors;

/**
 * Brute-force search: every row scored for every query. The rows are kept transposed as well
 * ({@code columns[j][i]} is coordinate {@code j} of row {@code i}), so that scoring all rows is
 * {@code dims} vectorised axpys over the catalogue instead of one short dot product per row.
 * The reference that approximate indexes are measured against, and the right choice when the
 * rows are few or most of them are excluded or filtered out.
 */
public final class ExactIndex implements VectorIndex {

    private final float[][] rows;
    private final float[][] columns;
    private final int dims;
    private final Similarity similarity;
    /** For COSINE: 1 / |v| per row (0 for a zero row); null for DOT. */
    private final float[] inverseNorms;
    private final ThreadLocal<float[]> scratch;

    /**
     * @param rows the vectors, all of length {@code dims}; kept by reference, not copied
     */
    public ExactIndex(float[][] rows, int dims, Similarity similarity) {
        if (dims < 1) {
            throw new IllegalArgumentException("dims must be >= 1, got " + dims);
        }
        int n = rows.length;
        this.rows = rows;
        this.dims = dims;
        this.similarity = similarity;
        this.inverseNorms = similarity == Similarity.COSINE ? new float[n] : null;
        this.columns = new float[dims][n];
        for (int i = 0; i < n; i++) {
            float[] v = rows[i];
            if (v.length != dims) {
                throw new IllegalArgumentException("row " + i + " has " + v.length + " dimensions, expected " + dims);
            }
            float scale = 1f;
            if (inverseNorms != null) {
                float norm = Vectors.norm(v, dims);
                inverseNorms[i] = norm > 0 ? 1f / norm : 0f;
                scale = inverseNorms[i];
            }
            for (int j = 0; j < dims; j++) {
                columns[j][i] = v[j] * scale;
            }
        }
        this.scratch = ThreadLocal.withInitial(() -> new float[n]);
    }

    @Override
    public int size() {
        return rows.length;
    }

    @Override
    public int dimensions() {
        return dims;
    }

    @Override
    public Similarity similarity() {
        return similarity;
    }

    /** The exact score of row {@code id} for {@code query} under this index's similarity. */
    public float score(float[] query, int id) {
        float dot = Vectors.dot(query, rows[id], dims);
        if (similarity == Similarity.DOT) {
            return dot;
        }
        float qn = Vectors.norm(query, dims);
        return qn > 0 ? dot * inverseNorms[id] / qn : 0f;
    }

    @Override
    public Neighbors search(float[] query, int k, int[] excluded, IntPredicate eligible) {
        checkQuery(query);
        int n = rows.length;
        float[] scores = scratch.get();
        java.util.Arrays.fill(scores, 0f);
        float[] q = query;
        if (similarity == Similarity.COSINE) {
            float qn = Vectors.norm(query, dims);
            q = query.clone();
            for (int j = 0; j < dims; j++) {
                q[j] = qn > 0 ? q[j] / qn : 0f;
            }
        }
        Vectors.combine(q, columns, dims, scores, n);
        TopK top = new TopK(Math.min(k, n));
        int e = 0;
        for (int i = 0; i < n; i++) {
            while (e < excluded.length && excluded[e] < i) {
                e++;
            }
            if (e < excluded.length && excluded[e] == i || eligible != null && !eligible.test(i)) {
                continue;
            }
            top.offer(i, scores[i]);
        }
        return top.drain();
    }

    void checkQuery(float[] query) {
        if (query.length != dims) {
            throw new IllegalArgumentException("query has " + query.length + " dimensions, index has " + dims);
        }
    }
}
