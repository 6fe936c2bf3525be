package org.partrec.index;

import java.util.Arrays;

/**
 * A ranked result: {@code ids[j]} (dense item index) with {@code scores[j]}, best first.
 * The arrays are the result's own; callers may keep them.
 */
public record Neighbors(int[] ids, float[] scores) {

    public static final Neighbors EMPTY = new Neighbors(new int[0], new float[0]);

    public Neighbors {
        if (ids.length != scores.length) {
            throw new IllegalArgumentException("ids and scores differ in length");
        }
    }

    public int size() {
        return ids.length;
    }

    /** The first {@code n} entries (all of them when there are fewer). */
    public Neighbors head(int n) {
        return n >= ids.length ? this : new Neighbors(Arrays.copyOf(ids, n), Arrays.copyOf(scores, n));
    }
}
