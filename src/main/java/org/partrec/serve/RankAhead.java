package org.partrec.serve;

/**
 * How much of a model is ranked ahead when it is swapped in: the best {@code items} per user
 * (purchases excluded, no filter) and the most similar {@code items} per item, so that the
 * common request is a slice of a stored list. Ranking ahead scores every user (and every item)
 * against every item, so it is skipped, and those requests are ranked on demand instead, when
 * it would score more than {@code maxPairs} pairs: at a million users and 100,000 items that
 * is 10^11 pairs, minutes of work before the model could serve.
 *
 * @param items    list length kept per user and per item (0: nothing ranked ahead)
 * @param maxPairs the most (user or item, item) pairs scored for each of the two kinds of lists
 */
public record RankAhead(int items, long maxPairs) {

    public static final RankAhead NONE = new RankAhead(0, 0);

    public RankAhead {
        if (items < 0 || maxPairs < 0) {
            throw new IllegalArgumentException("items and maxPairs must be >= 0, got " + items + " and " + maxPairs);
        }
    }

    /** {@code items} per user and per item, whatever the size. */
    public static RankAhead always(int items) {
        return new RankAhead(items, Long.MAX_VALUE);
    }

    /** Whether the users' lists are ranked ahead for a model of this size. */
    public boolean users(int users, int catalogue) {
        return items > 0 && (long) users * catalogue <= maxPairs;
    }

    /** Whether the items' similar lists are ranked ahead for a catalogue of this size. */
    public boolean similar(int catalogue) {
        return items > 0 && (long) catalogue * catalogue <= maxPairs;
    }
}
