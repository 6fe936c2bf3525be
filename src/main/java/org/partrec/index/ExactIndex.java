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
        // scaled as the rows are (v * (1 / |v|)), so that a row as a query is its stored unit vector,
        // bit for bit, and a cosine is the same float either way round (see similarToEach)
        float qn = Vectors.norm(query, dims);
        float inverse = qn > 0 ? 1f / qn : 0f;
        float[] q = query.clone();
        for (int j = 0; j < dims; j++) {
            q[j] = q[j] * inverse;
        }
        return q;
    }

    /**
     * Every row's {@code k} most similar other rows: what {@link #search(float[][], int, int[][])}
     * gives with each row as a query and itself excluded (the same ids and score bits), with each
     * pair of rows scored once instead of twice. A query is its row's stored unit vector, the
     * products of a cosine commute and the sums run in the same order either way round, so
     * {@code cos(i, j)} and {@code cos(j, i)} are the same float and one block of scores serves
     * both rows' lists. Tiles are paired in rounds (the circle method of a round-robin
     * tournament): the pairs of a round share no tile, so they run on {@code threads} threads
     * without locks; each tile is paired with itself first.
     */
    public Neighbors[] similarToEach(int k, int threads) {
        if (similarity != Similarity.COSINE) {
            throw new IllegalStateException("similarToEach needs a cosine index");
        }
        int n = rows.length;
        Neighbors[] out = new Neighbors[n];
        if (Math.min(k, n) == 0) {
            java.util.Arrays.fill(out, new Neighbors(new int[0], new float[0]));
            return out;
        }
        TopK[] top = new TopK[n];
        float[] floors = new float[n]; // per row, the score another must reach to be offered
        for (int i = 0; i < n; i++) {
            top[i] = new TopK(Math.min(k, n));
            floors[i] = Float.NEGATIVE_INFINITY;
        }
        int m = tiles.length;
        org.partrec.features.Parallel.forEach(threads, m, a -> pair(a, a, top, floors));
        int teams = m % 2 == 0 ? m : m + 1; // with an odd count, the tile paired with team m sits the round out
        for (int round = 0; round < teams - 1; round++) {
            int r = round;
            org.partrec.features.Parallel.forEach(threads, teams / 2, x -> {
                int a = x == 0 ? teams - 1 : (r + x) % (teams - 1);
                int b = x == 0 ? r : (r - x + teams - 1) % (teams - 1);
                if (a < m && b < m) {
                    pair(Math.min(a, b), Math.max(a, b), top, floors);
                }
            });
        }
        for (int i = 0; i < n; i++) {
            out[i] = top[i].drain();
        }
        return out;
    }

    /**
     * Rows of tile {@code a} against rows of tile {@code b} ({@code a <= b}): each score offered
     * to the row's list and, off the diagonal, to the other row's. Rows come in no particular
     * order here, so a score equal to the worst kept is offered too ({@link TopK} breaks the tie
     * by id); NaN is never offered.
     */
    private void pair(int a, int b, TopK[] top, float[] floors) {
        float[][] ta = tiles[a];
        float[][] tb = tiles[b];
        int baseA = a * TILE;
        int baseB = b * TILE;
        int lenB = tb[0].length;
        float[] u = new float[dims];
        float[] scores = new float[lenB];
        for (int ii = 0; ii < ta[0].length; ii++) {
            int i = baseA + ii;
            for (int j = 0; j < dims; j++) {
                u[j] = ta[j][ii];
            }
            scoreTile(u, tb, dims, scores);
            TopK row = top[i];
            float floor = floors[i];
            for (int jj = 0; jj < lenB; jj++) {
                float score = scores[jj];
                int j = baseB + jj;
                if (score >= floor && j != i) {
                    row.offer(j, score);
                    floor = row.threshold();
                }
                if (a != b && score >= floors[j]) {
                    top[j].offer(i, score);
                    floors[j] = top[j].threshold();
                }
            }
            floors[i] = floor;
        }
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
