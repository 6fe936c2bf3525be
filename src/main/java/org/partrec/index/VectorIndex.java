package org.partrec.index;

/**
 * Top-k search over a fixed set of row vectors (ids {@code 0..size()-1}). The project's own
 * interface: implementations may wrap a library, but speak only {@code int} ids and
 * {@code float} scores. Implementations are immutable and safe for concurrent searches.
 */
public interface VectorIndex {

    int size();

    int dimensions();

    Similarity similarity();

    /**
     * The {@code k} rows most similar to {@code query}, best first, never one listed in
     * {@code excluded}. Scores are exact (recomputed from the stored vectors) even when the
     * candidates come from an approximate search.
     *
     * @param excluded ids to leave out, sorted ascending (a CSR row's indices are)
     */
    default Neighbors search(float[] query, int k, int[] excluded) {
        return search(query, k, excluded, null);
    }

    /**
     * As {@link #search(float[], int, int[])}, counting only rows in {@code eligible}: a
     * filter applied before ranking, so the result holds {@code k} rows whenever that many
     * eligible, non-excluded rows exist.
     *
     * @param eligible the rows the filter keeps (over {@code size()} rows), or null for every row
     */
    Neighbors search(float[] query, int k, int[] excluded, ItemSet eligible);

    /**
     * {@link #search(float[], int, int[])} for each of many queries (result {@code j} for query
     * {@code j}); an index may score them together faster than one by one.
     *
     * @param excluded per query, ids to leave out, sorted ascending
     */
    default Neighbors[] search(float[][] queries, int k, int[][] excluded) {
        Neighbors[] out = new Neighbors[queries.length];
        for (int j = 0; j < queries.length; j++) {
            out[j] = search(queries[j], k, excluded[j], null);
        }
        return out;
    }

    /** As {@link #search(float[], int, int[])} with nothing excluded. */
    default Neighbors search(float[] query, int k) {
        return search(query, k, new int[0], null);
    }
}
