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
    Neighbors search(float[] query, int k, int[] excluded);

    /** As {@link #search(float[], int, int[])} with nothing excluded. */
    default Neighbors search(float[] query, int k) {
        return search(query, k, new int[0]);
    }
}
