package org.partrec.index;

import java.util.Arrays;

/**
 * One ranked list per row, stored flat: row {@code r}'s entries are positions
 * {@code starts[r] .. starts[r+1]-1} of {@code ids} and {@code scores}, best first. What is kept
 * of an index's answers for every item (its most similar items), so that they are computed once
 * per model and stored with it.
 */
public final class RankedLists {

    private final int[] starts;
    private final int[] ids;
    private final float[] scores;
    private final int cols;

    /**
     * @param cols the ids' range: each id lies in {@code 0..cols-1}
     * @throws IllegalArgumentException when the arrays do not make such lists: starts not from 0,
     *                                  decreasing, or not ending at the entries' count; an id out of
     *                                  range or repeated within a row; a score that is NaN or higher
     *                                  than the one before it
     */
    public RankedLists(int[] starts, int[] ids, float[] scores, int cols) {
        if (starts.length == 0 || starts[0] != 0 || starts[starts.length - 1] != ids.length
                || ids.length != scores.length) {
            throw new IllegalArgumentException("row starts must run from 0 to the " + ids.length
                    + " entries, with as many scores");
        }
        int rows = starts.length - 1;
        long[] seen = new long[(cols + 63) >>> 6];
        for (int r = 0; r < rows; r++) {
            if (starts[r] > starts[r + 1]) {
                throw new IllegalArgumentException("row starts decrease at row " + r);
            }
            for (int p = starts[r]; p < starts[r + 1]; p++) {
                int id = ids[p];
                if (id < 0 || id >= cols) {
                    throw new IllegalArgumentException("row " + r + ": id " + id + " outside 0.." + (cols - 1));
                }
                if ((seen[id >>> 6] & (1L << id)) != 0) {
                    throw new IllegalArgumentException("row " + r + ": id " + id + " listed twice");
                }
                seen[id >>> 6] |= 1L << id;
                if (scores[p] != scores[p] || p > starts[r] && scores[p] > scores[p - 1]) {
                    throw new IllegalArgumentException("row " + r + ": scores not ranked best first at entry "
                            + (p - starts[r]));
                }
            }
            for (int p = starts[r]; p < starts[r + 1]; p++) {
                seen[ids[p] >>> 6] = 0L;
            }
        }
        this.starts = starts;
        this.ids = ids;
        this.scores = scores;
        this.cols = cols;
    }

    /** The lists of {@code rows}, in order (row {@code r} is {@code rows[r]}). */
    public static RankedLists of(Neighbors[] rows, int cols) {
        int[] starts = new int[rows.length + 1];
        for (int r = 0; r < rows.length; r++) {
            starts[r + 1] = Math.addExact(starts[r], rows[r].size());
        }
        int[] ids = new int[starts[rows.length]];
        float[] scores = new float[ids.length];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r].ids(), 0, ids, starts[r], rows[r].size());
            System.arraycopy(rows[r].scores(), 0, scores, starts[r], rows[r].size());
        }
        return new RankedLists(starts, ids, scores, cols);
    }

    public int rows() {
        return starts.length - 1;
    }

    public int cols() {
        return cols;
    }

    /** Entries over all rows. */
    public int size() {
        return ids.length;
    }

    /** The longest row's length. */
    public int longest() {
        int max = 0;
        for (int r = 0; r < rows(); r++) {
            max = Math.max(max, starts[r + 1] - starts[r]);
        }
        return max;
    }

    /** Row {@code r}'s list, best first (fresh arrays). */
    public Neighbors row(int r) {
        return new Neighbors(Arrays.copyOfRange(ids, starts[r], starts[r + 1]),
                Arrays.copyOfRange(scores, starts[r], starts[r + 1]));
    }

    public int rowLength(int r) {
        return starts[r + 1] - starts[r];
    }

    /** The arrays themselves, for writing; not to be modified. */
    public int[] starts() {
        return starts;
    }

    public int[] ids() {
        return ids;
    }

    public float[] scores() {
        return scores;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RankedLists l && l.cols == cols && Arrays.equals(l.starts, starts)
                && Arrays.equals(l.ids, ids) && Arrays.equals(l.scores, scores);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ids);
    }

    @Override
    public String toString() {
        return "RankedLists[" + rows() + " rows, " + size() + " entries]";
    }
}
