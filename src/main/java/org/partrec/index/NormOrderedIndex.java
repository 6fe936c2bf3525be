package org.partrec.index;

import java.util.Arrays;
import org.partrec.features.Vectors;

/**
 * Exact inner-product top-k that scores only the rows that can still make the list. The rows are
 * kept in descending order of their norm, transposed in tiles as {@link ExactIndex} keeps them,
 * and the scan stops at the first tile whose largest norm {@code |y|} gives
 * {@code |q| |y| < s_k}, the k-th best score so far: by Cauchy-Schwarz no row from there on can
 * score higher. The answer is {@link ExactIndex}'s, bit for bit (same scores, same order, ties to
 * the lower id); only the work differs.
 *
 * <p>ALS item factors suit it: the regularisation shrinks rarely bought items towards zero, so
 * norms are very skewed (on the scale model the median norm is 0.009 and the largest 17), and a
 * query typically stops after one or two percent of the catalogue. On factors of equal norm it
 * scores everything, as {@link ExactIndex} does (the same idea as the norm buckets of LEMP,
 * Teflioudi et al., SIGMOD 2015).
 *
 * <p>A filter ({@link ItemSet}) is applied during the scan. One made of whole groups of the
 * index's {@link Partition} (a category, a platform, both) is searched in those groups' own
 * indexes, which hold only its rows ({@link #grouped}). Otherwise, a selective one (at most
 * {@code 1/}{@value #GATHER} of the rows) has its rows marked by position in norm order and only
 * those scored, from a row-major copy in that order, with the same stopping rule: a query never
 * scores a row the filter refuses.
 */
public final class NormOrderedIndex implements VectorIndex {

    /** Rows per tile (a multiple of 64): a tile is scored, or the scan stops, as a whole. */
    static final int TILE = 256;
    /**
     * Rows per tile in a group's index: groups are small, so the scan stops at a finer grain (on
     * the scale model, a {@code fits} and {@code category} filter scores 705 rows a query with
     * tiles of 64, 880 with tiles of 256).
     */
    static final int GROUP_TILE = 64;
    /** Queries scored against one tile before the next tile is read. */
    static final int BLOCK = 64;
    /** A filter keeping at most {@code 1/GATHER} of the rows is scanned row by row. */
    static final int GATHER = 8;
    /**
     * Slack on the Cauchy-Schwarz bound for float rounding: a dot product of {@code d} float
     * terms is off by at most about {@code d * 2^-24 |q| |y|}, far below this at any width used.
     */
    private static final float SLACK = 1.001f;

    private final float[][] rows;
    private final int dims;
    /** Position in norm order to row id. */
    private final int[] order;
    /** Row id to its position in norm order; null without the selective path. */
    private final int[] position;
    /** Per tile, the largest norm of it and every later tile (NaN counted as infinite), with slack. */
    private final float[] bound;
    private final float[][][] tiles;
    /** Rows per tile here: {@link #TILE}, or {@link #GROUP_TILE} in a group's index. */
    private final int tile;
    /** The rows in norm order, row-major: position {@code p} at {@code p * dims}; null without the selective path. */
    private final float[] ordered;
    /** The groups, and per group its index (null for an empty group); both null without groups. */
    private final Partition partition;
    private final NormOrderedIndex[] groups;
    private static final ThreadLocal<long[]> MARKS = ThreadLocal.withInitial(() -> new long[0]);
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[TILE]);

    /**
     * @param rows the vectors, all of length {@code dims}; kept by reference, not copied
     */
    public NormOrderedIndex(float[][] rows, int dims) {
        this(rows, dims, null, null, true, null);
    }

    /**
     * As {@link #NormOrderedIndex(float[][], int)}, with an index of its own for each group of
     * {@code partition} (for the storefront, a category and fitment pair). A filter whose
     * {@link ItemSet} knows the groups that hold it (a category, a platform, both: see
     * {@link Partition}) is searched in those groups' indexes only, each in norm order as dense
     * tiles, instead of being picked out of the whole catalogue.
     */
    public static NormOrderedIndex grouped(float[][] rows, int dims, Partition partition) {
        if (partition.rows() != rows.length) {
            throw new IllegalArgumentException("a partition of " + partition.rows() + " rows for " + rows.length + " rows");
        }
        return new NormOrderedIndex(rows, dims, null, null, true, partition);
    }

    /**
     * @param members the rows indexed (ascending ids), or null for all
     * @param norms   every row's norm (NaN as infinite) when known, else null
     * @param gather  whether to keep what the selective path needs (positions, a row-major copy)
     * @param partition the groups, each given an index, or null for none
     */
    private NormOrderedIndex(float[][] rows, int dims, int[] members, float[] norms, boolean gather,
                             Partition partition) {
        if (dims < 1) {
            throw new IllegalArgumentException("dims must be >= 1, got " + dims);
        }
        this.rows = rows;
        this.dims = dims;
        int n = members == null ? rows.length : members.length;
        if (norms == null) {
            norms = new float[rows.length];
            for (int m = 0; m < n; m++) {
                int i = members == null ? m : members[m];
                if (rows[i].length != dims) {
                    throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " dimensions, expected " + dims);
                }
                float norm = Vectors.norm(rows[i], dims);
                norms[i] = norm != norm ? Float.POSITIVE_INFINITY : norm;
            }
        }
        long[] keyed = new long[n]; // sort by norm descending, ties by id: norm bits are monotone for norm >= 0
        for (int m = 0; m < n; m++) {
            int i = members == null ? m : members[m];
            keyed[m] = ((long) ~Float.floatToIntBits(norms[i]) << 32) | i;
        }
        Arrays.sort(keyed);
        this.order = new int[n];
        this.position = gather ? new int[rows.length] : null;
        this.ordered = gather ? new float[Math.multiplyExact(n, dims)] : null;
        for (int p = 0; p < n; p++) {
            order[p] = (int) keyed[p];
            if (gather) {
                position[order[p]] = p;
                System.arraycopy(rows[order[p]], 0, ordered, p * dims, dims);
            }
        }
        this.tile = members == null ? TILE : GROUP_TILE;
        int tileCount = (n + tile - 1) / tile;
        this.tiles = new float[tileCount][][];
        this.bound = new float[tileCount];
        float later = 0f;
        for (int t = tileCount - 1; t >= 0; t--) {
            int from = t * tile;
            int len = Math.min(tile, n - from);
            tiles[t] = new float[dims][len];
            for (int i = 0; i < len; i++) {
                float[] v = rows[order[from + i]];
                for (int j = 0; j < dims; j++) {
                    tiles[t][j][i] = v[j];
                }
                later = Math.max(later, norms[order[from + i]]);
            }
            bound[t] = later * SLACK;
        }
        this.partition = partition;
        this.groups = partition == null ? null : groups(rows, dims, norms, partition);
    }

    /** One index per group, over that group's rows (null for a group without any). */
    private static NormOrderedIndex[] groups(float[][] rows, int dims, float[] norms, Partition partition) {
        ItemSet[] members = partition.members();
        NormOrderedIndex[] out = new NormOrderedIndex[members.length];
        for (int g = 0; g < members.length; g++) {
            out[g] = members[g].count() == 0 ? null : new NormOrderedIndex(rows, dims, members[g].ids(), norms, false, null);
        }
        return out;
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
        return Similarity.DOT;
    }

    @Override
    public Neighbors search(float[] query, int k, int[] excluded, ItemSet eligible) {
        checkQuery(query, eligible);
        TopK top = new TopK(Math.min(k, rows.length));
        if (top.capacity() == 0) {
            return top.drain();
        }
        float qn = Vectors.norm(query, dims);
        int[] cover = eligible == null || groups == null ? null : eligible.coverIn(partition);
        if (cover != null && covered(cover) * 2 <= order.length) {
            searchGroups(cover, query, qn, excluded, eligible.exactCover() ? null : eligible, top);
            return top.drain();
        }
        if (eligible != null && ordered != null && (long) eligible.count() * GATHER <= order.length) {
            gather(query, qn, excluded, eligible, top);
            return top.drain();
        }
        scan(query, qn, excluded, eligible, top);
        return top.drain();
    }

    /** How many rows the groups of {@code cover} hold. */
    private long covered(int[] cover) {
        long rows = 0;
        for (int g : cover) {
            rows += partition.size(g);
        }
        return rows;
    }

    /**
     * The top-k of the rows in the groups of {@code cover}: the groups' tiles read as one list in
     * descending order of their largest norm (a merge of the groups' own orders), so the k-th best
     * score rises as fast as it can and the scan stops at the first tile, of any group, that no
     * row could enter the list from: by then no tile of any group could. Exact.
     *
     * @param eligible tested on each row; null when the groups hold exactly the eligible rows
     */
    private void searchGroups(int[] cover, float[] query, float qn, int[] excluded, ItemSet eligible, TopK top) {
        NormOrderedIndex[] in = new NormOrderedIndex[cover.length];
        int n = 0;
        for (int g : cover) {
            if (groups[g] != null) {
                in[n++] = groups[g];
            }
        }
        int[] next = new int[n];
        float[] scores = SCRATCH.get();
        while (true) {
            int best = -1;
            for (int i = 0; i < n; i++) { // the group whose next tile has the largest norm
                if (next[i] < in[i].tiles.length && (best < 0 || in[i].bound[next[i]] > in[best].bound[next[best]])) {
                    best = i;
                }
            }
            if (best < 0 || in[best].stops(top, qn, next[best])) {
                return;
            }
            in[best].score(query, next[best], scores);
            in[best].offer(next[best], scores, excluded, eligible, top);
            next[best]++;
        }
    }

    /** The tile scan: tiles in norm order, until the stopping rule holds. */
    private void scan(float[] query, float qn, int[] excluded, ItemSet eligible, TopK top) {
        float[] scores = SCRATCH.get();
        for (int t = 0; t < tiles.length && !stops(top, qn, t); t++) {
            score(query, t, scores);
            offer(t, scores, excluded, eligible, top);
        }
    }

    /**
     * The {@code k} best rows for each query, as {@link #search(float[], int, int[], ItemSet)}
     * gives them one by one, with each tile read once per {@value #BLOCK} queries that still need
     * it.
     */
    @Override
    public Neighbors[] search(float[][] queries, int k, int[][] excluded) {
        Neighbors[] out = new Neighbors[queries.length];
        TopK[] top = new TopK[BLOCK];
        float[] norms = new float[BLOCK];
        float[] scores = SCRATCH.get();
        for (int from = 0; from < queries.length; from += BLOCK) {
            int count = Math.min(BLOCK, queries.length - from);
            for (int b = 0; b < count; b++) {
                checkQuery(queries[from + b], null);
                top[b] = new TopK(Math.min(k, rows.length));
                norms[b] = Vectors.norm(queries[from + b], dims);
            }
            boolean[] done = new boolean[count];
            int active = count;
            for (int t = 0; t < tiles.length && active > 0; t++) {
                for (int b = 0; b < count; b++) {
                    if (done[b]) {
                        continue;
                    }
                    if (top[b].capacity() == 0 || stops(top[b], norms[b], t)) {
                        done[b] = true;
                        active--;
                        continue;
                    }
                    score(queries[from + b], t, scores);
                    offer(t, scores, excluded[from + b], null, top[b]);
                }
            }
            for (int b = 0; b < count; b++) {
                out[from + b] = top[b].drain();
            }
        }
        return out;
    }

    /** Whether no row from tile {@code t} on can enter a full list. */
    private boolean stops(TopK top, float queryNorm, int t) {
        return top.size() == top.capacity() && queryNorm * bound[t] < top.threshold();
    }

    /** {@code scores[0..len) = q . row} for the rows of tile {@code t}. */
    private void score(float[] q, int t, float[] scores) {
        ExactIndex.scoreTile(q, tiles[t], dims, scores);
    }

    /**
     * Offers tile {@code t}'s scores to {@code top}. Rows come in norm order, not id order, so a
     * score equal to the k-th best is offered too ({@link TopK} breaks the tie by id), and an
     * excluded id is found by binary search, for the few rows whose score could enter the list.
     */
    private void offer(int t, float[] scores, int[] excluded, ItemSet eligible, TopK top) {
        int base = t * tile;
        int len = tiles[t][0].length;
        float worst = top.threshold();
        boolean full = top.size() == top.capacity();
        for (int i = 0; i < len; i++) {
            float score = scores[i];
            if (full ? !(score >= worst) : score != score) {
                continue;
            }
            int id = order[base + i];
            if (Arrays.binarySearch(excluded, id) >= 0 || eligible != null && !eligible.test(id)) {
                continue;
            }
            top.offer(id, score);
            worst = top.threshold();
            full = top.size() == top.capacity();
        }
    }

    /**
     * The selective path: the eligible rows marked by their position in norm order (a bitset
     * per thread, cleared again before returning), then only those positions visited, tile by
     * tile with the scan's stopping rule, and scored from the row-major copy four rows at a time
     * (the rows are scattered over the copy, so it is memory-bound: four independent rows keep
     * four cache misses in flight).
     */
    private void gather(float[] q, float qn, int[] excluded, ItemSet eligible, TopK top) {
        long[] marks = MARKS.get();
        int words = (rows.length + 63) >>> 6;
        if (marks.length < words) {
            marks = new long[words];
            MARKS.set(marks);
        }
        for (int w = 0; w < words; w++) {
            for (long bits = eligible.word(w); bits != 0; bits &= bits - 1) {
                int p = position[(w << 6) + Long.numberOfTrailingZeros(bits)];
                marks[p >>> 6] |= 1L << p;
            }
        }
        int[] at = new int[TILE];
        float[] scores = SCRATCH.get();
        int w = 0;
        for (int t = 0; t < tiles.length && !stops(top, qn, t); t++) {
            int count = 0;
            for (int end = Math.min(words, (t + 1) * TILE / 64); w < end; w++) {
                for (long bits = marks[w]; bits != 0; bits &= bits - 1) {
                    int p = (w << 6) + Long.numberOfTrailingZeros(bits);
                    if (Arrays.binarySearch(excluded, order[p]) < 0) {
                        at[count++] = p * dims;
                    }
                }
                marks[w] = 0L;
            }
            Vectors.dotsAsCombined(q, ordered, at, count, dims, scores);
            for (int i = 0; i < count; i++) {
                top.offer(order[at[i] / dims], scores[i]);
            }
        }
        Arrays.fill(marks, w, words, 0L);
    }

    private void checkQuery(float[] query, ItemSet eligible) {
        if (query.length != dims) {
            throw new IllegalArgumentException("query has " + query.length + " dimensions, index has " + dims);
        }
        if (eligible != null && eligible.universe() != rows.length) {
            throw new IllegalArgumentException("filter over " + eligible.universe() + " rows, index has " + rows.length);
        }
    }
}
