package org.partrec.index;

import java.util.function.IntPredicate;
import org.partrec.features.Vectors;

/**
 * Brute-force search: every row scored for every query. The rows are kept transposed as well, in
 * tiles of {@value #TILE} rows ({@code tiles[t][j][i]} is coordinate {@code j} of row
 * {@code t * TILE + i}), so that scoring a tile is {@code dims} vectorised axpys into a scratch
 * that stays in the first-level cache, and a tile of coordinates (256 KB at 64 dimensions) stays
 * in the second-level cache while a block of queries is scored against it
 * ({@link #search(float[][], int, int[][])}: the batch export, ranking ahead). The reference that
 * approximate indexes are measured against, and the right choice when the rows are few or most of
 * them are excluded or filtered out.
 */
public final class ExactIndex implements VectorIndex {

    static final int TILE = 1024;
    /** Queries scored against one tile before the next tile is read. */
    static final int BLOCK = 64;

    private final float[][] rows;
    private final float[][][] tiles;
    private final int dims;
    private final Similarity similarity;
    /** For COSINE: 1 / |v| per row (0 for a zero row); null for DOT. */
    private final float[] inverseNorms;
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[TILE]);

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
        this.tiles = new float[(n + TILE - 1) / TILE][][];
        for (int t = 0; t < tiles.length; t++) {
            tiles[t] = new float[dims][Math.min(TILE, n - t * TILE)];
        }
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
            float[][] tile = tiles[i / TILE];
            for (int j = 0; j < dims; j++) {
                tile[j][i % TILE] = v[j] * scale;
            }
        }
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
    public Neighbors search(float[] query, int k, int[] excluded, ItemSet eligible) {
        checkQuery(query);
        float[] q = unitIfCosine(query);
        float[] scores = SCRATCH.get();
        TopK top = new TopK(Math.min(k, rows.length));
        int e = 0;
        for (int t = 0; t < tiles.length; t++) {
            score(q, t, scores);
            e = offer(t, scores, excluded, e, eligible, top);
        }
        return top.drain();
    }

    /**
     * The {@code k} best rows for each query, as {@link #search(float[], int, int[])} gives them
     * one by one (the same scores, bit for bit), with each tile of the catalogue read once per
     * {@value #BLOCK} queries instead of once per query.
     *
     * @param excluded per query, ids to leave out, sorted ascending
     */
    @Override
    public Neighbors[] search(float[][] queries, int k, int[][] excluded) {
        Neighbors[] out = new Neighbors[queries.length];
        float[][] q = new float[BLOCK][];
        TopK[] top = new TopK[BLOCK];
        int[] at = new int[BLOCK];
        float[] scores = SCRATCH.get();
        for (int from = 0; from < queries.length; from += BLOCK) {
            int count = Math.min(BLOCK, queries.length - from);
            for (int b = 0; b < count; b++) {
                checkQuery(queries[from + b]);
                q[b] = unitIfCosine(queries[from + b]);
                top[b] = new TopK(Math.min(k, rows.length));
                at[b] = 0;
            }
            for (int t = 0; t < tiles.length; t++) {
                for (int b = 0; b < count; b++) {
                    score(q[b], t, scores);
                    at[b] = offer(t, scores, excluded[from + b], at[b], null, top[b]);
                }
            }
            for (int b = 0; b < count; b++) {
                out[from + b] = top[b].drain();
            }
        }
        return out;
    }

    private float[] unitIfCosine(float[] query) {
        if (similarity != Similarity.COSINE) {
            return query;
        }
        float qn = Vectors.norm(query, dims);
        float[] q = query.clone();
        for (int j = 0; j < dims; j++) {
            q[j] = qn > 0 ? q[j] / qn : 0f;
        }
        return q;
    }

    /** {@code scores[0..len) = q . row} for the rows of tile {@code t}. */
    private void score(float[] q, int t, float[] scores) {
        scoreTile(q, tiles[t], dims, scores);
    }

    /**
     * {@code scores[i] = q . row i} for the rows of a transposed tile ({@code tile[j][i]} is
     * coordinate {@code j} of row {@code i}): {@code dims} vectorised axpys into {@code scores}.
     */
    static void scoreTile(float[] q, float[][] tile, int dims, float[] scores) {
        int len = tile[0].length;
        java.util.Arrays.fill(scores, 0, len, 0f);
        Vectors.combine(q, tile, dims, scores, len);
    }

    /**
     * Offers tile {@code t}'s scores to {@code top}, skipping excluded and ineligible rows;
     * {@code e} is where the scan of {@code excluded} stands, returned advanced. Once {@code k}
     * rows are kept, a row that cannot beat the worst of them is passed over before anything else
     * is looked at: rows come in id order, so one with an equal score loses the tie as well. NaN
     * never passes; negative infinity does while fewer than {@code k} are kept.
     */
    private int offer(int t, float[] scores, int[] excluded, int e, IntPredicate eligible, TopK top) {
        if (top.capacity() == 0) {
            return e;
        }
        int base = t * TILE;
        int len = tiles[t][0].length;
        float worst = top.threshold();
        boolean full = top.size() == top.capacity();
        for (int i = 0; i < len; i++) {
            float score = scores[i];
            if (full ? !(score > worst) : score != score) {
                continue;
            }
            int id = base + i;
            while (e < excluded.length && excluded[e] < id) {
                e++;
            }
            if (e < excluded.length && excluded[e] == id || eligible != null && !eligible.test(id)) {
                continue;
            }
            top.offer(id, score);
            worst = top.threshold();
            full = top.size() == top.capacity();
        }
        return e;
    }

    void checkQuery(float[] query) {
        if (query.length != dims) {
            throw new IllegalArgumentException("query has " + query.length + " dimensions, index has " + dims);
        }
    }
}
