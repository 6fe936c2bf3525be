package org.partrec.index;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * A set of row ids {@code 0..universe-1} as a bitset that knows its size: what a filter lets
 * through. An index asks {@link #count()} to choose between scanning only these rows (a selective
 * filter) and testing each candidate during its usual search (a broad one). Immutable.
 *
 * <p>A set may also know which groups of a {@link Partition} hold it (its cover), and whether it
 * is exactly their union: sets built by {@link Partition#union} do, and {@link #and}, {@link #or}
 * and {@link #not} keep the cover where it can be known. An index over the same partition
 * searches only the groups of the cover.
 */
public final class ItemSet implements IntPredicate {

    private final long[] words;
    private final int universe;
    private final int count;
    /** The partition whose groups {@link #cover} names, or null for no cover. */
    private final Partition partition;
    /** Sorted group codes whose union holds every row of the set; null without a partition. */
    private final int[] cover;
    /** Whether the set is exactly the union of its cover. */
    private final boolean exact;

    private ItemSet(long[] words, int universe) {
        this(words, universe, null, null, false);
    }

    private ItemSet(long[] words, int universe, Partition partition, int[] cover, boolean exact) {
        this.words = words;
        this.universe = universe;
        int c = 0;
        for (long w : words) {
            c += Long.bitCount(w);
        }
        this.count = c;
        this.partition = partition;
        this.cover = cover;
        this.exact = exact;
    }

    /** {@code set} with its cover: the groups of {@code partition} that hold it, exactly or not. */
    static ItemSet covered(ItemSet set, Partition partition, int[] cover, boolean exact) {
        if (partition.rows() != set.universe) {
            throw new IllegalArgumentException("a partition of " + partition.rows() + " rows for a set over " + set.universe);
        }
        return new ItemSet(set.words, set.universe, partition, cover, exact);
    }

    /** The rows {@code ids} (each in {@code 0..universe-1}, in any order, repeats allowed). */
    public static ItemSet of(int universe, int... ids) {
        long[] words = new long[wordsFor(universe)];
        for (int id : ids) {
            if (id < 0 || id >= universe) {
                throw new IllegalArgumentException("id " + id + " outside 0.." + (universe - 1));
            }
            words[id >>> 6] |= 1L << id;
        }
        return new ItemSet(words, universe);
    }

    /** The rows {@code test} accepts. */
    public static ItemSet matching(int universe, IntPredicate test) {
        long[] words = new long[wordsFor(universe)];
        for (int id = 0; id < universe; id++) {
            if (test.test(id)) {
                words[id >>> 6] |= 1L << id;
            }
        }
        return new ItemSet(words, universe);
    }

    /**
     * Per code, the rows that have it: {@code codeOf[row]} is the row's code, {@code 0..}, or
     * negative for none; the result has one set per code up to the largest.
     */
    public static ItemSet[] byCode(int[] codeOf) {
        int codes = 0;
        for (int c : codeOf) {
            codes = Math.max(codes, c + 1);
        }
        long[][] words = new long[codes][wordsFor(codeOf.length)];
        for (int row = 0; row < codeOf.length; row++) {
            if (codeOf[row] >= 0) {
                words[codeOf[row]][row >>> 6] |= 1L << row;
            }
        }
        ItemSet[] out = new ItemSet[codes];
        for (int c = 0; c < codes; c++) {
            out[c] = new ItemSet(words[c], codeOf.length);
        }
        return out;
    }

    /** Every row. */
    public static ItemSet all(int universe) {
        return matching(universe, id -> true);
    }

    private static int wordsFor(int universe) {
        if (universe < 0) {
            throw new IllegalArgumentException("universe must be >= 0, got " + universe);
        }
        return (universe + 63) >>> 6;
    }

    /**
     * The rows in both sets. The cover: the groups in both covers (exact when both are), else the
     * one cover known (no longer exact).
     */
    public ItemSet and(ItemSet other) {
        checkUniverse(other);
        long[] out = words.clone();
        for (int w = 0; w < out.length; w++) {
            out[w] &= other.words[w];
        }
        if (partition != null && partition == other.partition) {
            return new ItemSet(out, universe, partition, intersect(cover, other.cover), exact && other.exact);
        }
        ItemSet known = partition != null ? this : other;
        return new ItemSet(out, universe, known.partition, known.cover, false);
    }

    /** The rows in either set; covered by both covers' groups when both sets have one of the same partition. */
    public ItemSet or(ItemSet other) {
        checkUniverse(other);
        long[] out = words.clone();
        for (int w = 0; w < out.length; w++) {
            out[w] |= other.words[w];
        }
        if (partition != null && partition == other.partition) {
            int[] both = java.util.stream.IntStream.concat(Arrays.stream(cover), Arrays.stream(other.cover))
                    .sorted().distinct().toArray();
            return new ItemSet(out, universe, partition, both, exact && other.exact);
        }
        return new ItemSet(out, universe);
    }

    /** The rows not in this set; exactly the other groups when this set is exactly its cover. */
    public ItemSet not() {
        long[] out = new long[words.length];
        for (int w = 0; w < out.length; w++) {
            out[w] = ~words[w];
        }
        if (universe % 64 != 0) {
            out[out.length - 1] &= (1L << universe) - 1;
        }
        return exact ? new ItemSet(out, universe, partition, partition.complement(cover), true)
                : new ItemSet(out, universe);
    }

    private static int[] intersect(int[] a, int[] b) {
        int[] out = new int[Math.min(a.length, b.length)];
        int n = 0;
        for (int i = 0, j = 0; i < a.length && j < b.length; ) {
            if (a[i] < b[j]) {
                i++;
            } else if (a[i] > b[j]) {
                j++;
            } else {
                out[n++] = a[i];
                i++;
                j++;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** The groups of {@code p} that hold every row of the set (sorted; not to be changed), or null when not known. */
    int[] coverIn(Partition p) {
        return partition == p ? cover : null;
    }

    /** Whether the set is exactly the union of its cover (false without one). */
    boolean exactCover() {
        return exact;
    }

    private void checkUniverse(ItemSet other) {
        if (other.universe != universe) {
            throw new IllegalArgumentException("sets over " + universe + " and " + other.universe + " rows");
        }
    }

    public int universe() {
        return universe;
    }

    /** How many rows are in the set. */
    public int count() {
        return count;
    }

    @Override
    public boolean test(int id) {
        return id >= 0 && id < universe && (words[id >>> 6] & (1L << id)) != 0;
    }

    /** Bits {@code 64 w .. 64 w + 63} of the set (bit {@code i} of the word is row {@code 64 w + i}). */
    long word(int w) {
        return words[w];
    }

    /** The rows in the set, ascending. */
    public int[] ids() {
        int[] out = new int[count];
        int n = 0;
        for (int w = 0; w < words.length; w++) {
            long bits = words[w];
            while (bits != 0) {
                out[n++] = (w << 6) + Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ItemSet s && s.universe == universe && Arrays.equals(s.words, words);
    }

    @Override
    public int hashCode() {
        return 31 * universe + Arrays.hashCode(words);
    }

    @Override
    public String toString() {
        return "ItemSet[" + count + " of " + universe + "]";
    }
}
