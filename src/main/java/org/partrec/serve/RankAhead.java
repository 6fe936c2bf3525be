package org.partrec.serve;

/**
 * How much of a model is ranked ahead when it is swapped in: the best {@code items} per user
 * (purchases excluded, no filter) and the most similar {@code items} per item, so that the
 * common request is a slice of a stored list, and the batch export a copy of them.
 *
 * <p>Every user is ranked ahead, not only active ones: with the norm-ordered index a million
 * users take seconds on two cores, a list lookup needs no cache to keep warm or to invalidate at
 * a swap, and the export needs every user's list anyway. What bounds it is memory: each entry
 * costs {@value #ENTRY_BYTES} bytes (an int id and a float score), so when
 * {@code rows x items x 8} would exceed {@code maxBytes} the lists are cut to fit; below
 * {@value #MIN_LENGTH} entries (a default page) they would rarely answer a request, and none are
 * kept.
 *
 * @param items    list length kept per user and per item (0: nothing ranked ahead)
 * @param maxBytes the most memory for the users' lists, and again for the items' lists
 */
public record RankAhead(int items, long maxBytes) {

    public static final RankAhead NONE = new RankAhead(0, 0);
    static final int ENTRY_BYTES = 8;
    static final int MIN_LENGTH = 10;

    public RankAhead {
        if (items < 0 || maxBytes < 0) {
            throw new IllegalArgumentException("items and maxBytes must be >= 0, got " + items + " and " + maxBytes);
        }
    }

    /** {@code items} per user and per item, whatever the size. */
    public static RankAhead always(int items) {
        return new RankAhead(items, Long.MAX_VALUE);
    }

    /**
     * The list length kept for each of {@code rows} users (or items) out of {@code catalogue}
     * rankable items: 0 when nothing is ranked ahead.
     */
    public int length(int rows, int catalogue) {
        int wanted = Math.min(items, catalogue);
        if (wanted == 0 || rows == 0) {
            return wanted;
        }
        long fits = maxBytes / ((long) rows * ENTRY_BYTES);
        return fits >= wanted ? wanted : fits >= Math.min(MIN_LENGTH, wanted) ? (int) fits : 0;
    }
}
