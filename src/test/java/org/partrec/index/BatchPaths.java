package org.partrec.index;

/**
 * For benchmarks outside this package: the exact index's batch search by the path it took before
 * the strips ({@link ExactIndex#search(float[][], int, int[][], StripScorer)} without a scorer,
 * tile by tile), to time against in the same run.
 */
public final class BatchPaths {

    private BatchPaths() {
    }

    public static Neighbors[] tileByTile(ExactIndex index, float[][] queries, int k, int[][] excluded) {
        return index.search(queries, k, excluded, null);
    }

    /** Whether {@link ExactIndex}'s batch search scores in strips on this JVM (the Vector API is there). */
    public static boolean strips() {
        return StripScorer.best() != null;
    }
}
