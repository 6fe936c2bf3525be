package org.partrec.warehouse;

import java.time.Instant;

/**
 * The event ids stored lately and when, at most {@code capacity} of them, the oldest forgotten
 * first: what a posted id is checked against ({@link DuckDbEvents}). Held as primitive columns,
 * no object per id: a 128-bit hash of each id and its time in a ring (insertion order), indexed
 * by an open-addressing table (linear probing, deletion by backward shift). A
 * {@code LinkedHashMap<String, Instant>} cost 153 bytes an id and kept every posted id's strings
 * alive until it was forgotten, which at thousands of events a second lengthened every young
 * collection; this costs 24 bytes an id in the ring and 4 to 8 in the table (the table's size is
 * the next power of two at least twice the capacity), allocated once.
 * <p>Two ids count as one only if both 64-bit halves of their hashes agree: against 500,000 ids
 * held, a new id is taken for a repeat with a chance of about 500,000 in 2<sup>128</sup>, that is
 * 1.5 in 10<sup>33</sup> (were the hashes uniform; they are not cryptographic).
 * Not thread-safe: its owner holds a lock around each call.
 */
final class RecentIds {

    private final long[] lows;
    private final long[] highs;
    /** When each was stored, in nanoseconds since the epoch. */
    private final long[] times;
    /** Slot + 1 of the ring, 0 for none. */
    private final int[] table;
    private final int mask;
    /** The time of a ring slot whose id was forgotten before its turn. */
    private static final long DEAD = Long.MIN_VALUE;
    private int first;
    private int size;

    RecentIds(int capacity) {
        lows = new long[capacity];
        highs = new long[capacity];
        times = new long[capacity];
        int t = Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) * 2; // a power of two, at least twice as large
        table = new int[t];
        mask = t - 1;
    }

    /** When {@code id} was stored, or null if it is not held. */
    Instant get(String id) {
        long low = low(id);
        long high = high(id);
        int at = find(low, high);
        return at < 0 ? null : Instant.ofEpochSecond(Math.floorDiv(times[at], 1_000_000_000L),
                Math.floorMod(times[at], 1_000_000_000L));
    }

    /** Holds {@code id} as stored at {@code time}, at the young end; beyond the capacity the oldest is forgotten. */
    void put(String id, Instant time) {
        long low = low(id);
        long high = high(id);
        int at = find(low, high);
        if (at >= 0) {
            remove(at);
        }
        if (size == lows.length) {
            if (times[first] != DEAD) {
                removeFromTable(first);
            }
            first = (first + 1) % lows.length;
            size--;
        }
        int slot = (first + size) % lows.length;
        lows[slot] = low;
        highs[slot] = high;
        times[slot] = time.getEpochSecond() * 1_000_000_000L + time.getNano();
        size++;
        int i = (int) mix(low) & mask;
        while (table[i] != 0) {
            i = (i + 1) & mask;
        }
        table[i] = slot + 1;
    }

    /** The ring slot holding this hash, or -1. */
    private int find(long low, long high) {
        for (int i = (int) mix(low) & mask; table[i] != 0; i = (i + 1) & mask) {
            int s = table[i] - 1;
            if (lows[s] == low && highs[s] == high) {
                return s;
            }
        }
        return -1;
    }

    /**
     * Forgets the id in ring slot {@code slot}: out of the table at once, its slot left dead in
     * the ring until the oldest end reaches it (a repeat stored again is rare; shifting the
     * younger ids would cost as many moves as ids held).
     */
    private void remove(int slot) {
        removeFromTable(slot);
        times[slot] = DEAD;
    }

    /** Removes the table's entry for ring slot {@code slot}, shifting back the entries probed past it. */
    private void removeFromTable(int slot) {
        int i = (int) mix(lows[slot]) & mask;
        while (table[i] != slot + 1) {
            i = (i + 1) & mask;
        }
        table[i] = 0;
        for (int j = (i + 1) & mask; table[j] != 0; j = (j + 1) & mask) {
            int home = (int) mix(lows[table[j] - 1]) & mask;
            // the entry at j may move to the hole at i if its home is not in (i, j] cyclically
            boolean between = i <= j ? (home > i && home <= j) : (home > i || home <= j);
            if (!between) {
                table[i] = table[j];
                table[j] = 0;
                i = j;
            }
        }
    }

    static long low(String id) {
        long h = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < id.length(); i++) {
            h = (h ^ id.charAt(i)) * 0x100000001B3L;
            h = Long.rotateLeft(h, 31);
        }
        return mix(h ^ id.length());
    }

    static long high(String id) {
        long h = 0xC2B2AE3D27D4EB4FL;
        for (int i = id.length() - 1; i >= 0; i--) {
            h = (h + id.charAt(i)) * 0xFF51AFD7ED558CCDL;
            h ^= h >>> 29;
        }
        return mix(h + id.length());
    }

    /** A 64-bit finaliser (MurmurHash3's fmix64). */
    static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h;
    }
}
