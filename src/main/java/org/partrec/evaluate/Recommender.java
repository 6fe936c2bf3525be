package org.partrec.evaluate;

import org.partrec.index.Neighbors;

/**
 * Ranks items for a known user. Every recommender (ALS through an exact scan or HNSW, the
 * popularity baseline) passes the same contract tests. Implementations are immutable and safe
 * for concurrent calls.
 */
public interface Recommender {

    /** Short name for logs and reports, such as {@code als-hnsw} or {@code popular}. */
    String name();

    /** Number of users the recommender knows (dense ids {@code 0..users()-1}). */
    int users();

    /** Number of items it ranks (dense ids {@code 0..items()-1}). */
    int items();

    /**
     * The {@code k} best items for {@code user}, best first, never one in {@code excluded}.
     *
     * @param excluded item ids to leave out, sorted ascending
     * @throws IllegalArgumentException for an unknown user or a negative {@code k}
     */
    Neighbors recommend(int user, int k, int[] excluded);

    /**
     * {@link #recommend} for each of {@code users} (result {@code j} for user {@code j}); a
     * recommender may rank them together faster than one by one, with the same answers.
     */
    default Neighbors[] recommend(int[] users, int k, int[][] excluded) {
        Neighbors[] out = new Neighbors[users.length];
        for (int j = 0; j < users.length; j++) {
            out[j] = recommend(users[j], k, excluded[j]);
        }
        return out;
    }

    /** Checks the arguments every implementation takes. */
    static void checkArguments(Recommender r, int user, int k) {
        if (user < 0 || user >= r.users()) {
            throw new IllegalArgumentException("unknown user index " + user + " (" + r.users() + " users)");
        }
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, got " + k);
        }
    }
}
