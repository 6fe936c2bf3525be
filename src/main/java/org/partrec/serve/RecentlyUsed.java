package org.partrec.serve;

import java.util.Arrays;
import java.util.HashMap;
import java.util.function.Function;

/**
 * A map by user id that drops its least recently used entry beyond {@code max}, as an
 * access-ordered {@link java.util.LinkedHashMap} with {@code removeEldestEntry} does, but without
 * writing a reference when an entry is used: each entry keeps a stamp of its last use (a
 * primitive), and the least recently used are found by a scan when one has to go.
 * <p>Why: an access-ordered {@code LinkedHashMap} relinks the entry used, and its neighbours, at
 * every hit. Those entries live in the old generation, and G1 marks a card for each reference
 * written into an old object; the next young pause scans every card marked since the last. With
 * this map, the part numbers in the users' rings and the solved vector copied into its array
 * ({@link Realtime}), no reference is written into a held user at an event or a request. The three
 * together, at 5,000 events a second with each storefront path saturated in turn: cards scanned a
 * young pause p50 27,000 to 6,300, pauses p50 11.5 to 5.1 ms (README, "Events", sixth round).
 * <p>Exact: a scan keeps the oldest sixteenth of the entries, oldest first, with their stamps.
 * An entry used since has another stamp and is passed over; every entry not kept, and every one
 * added since, was used later than any kept one. So the first kept entry still unused is the least
 * recently used of all. A scan sorts the stamps once for every {@code size / 16} entries dropped.
 * <p>Not thread-safe: its owner locks.
 */
final class RecentlyUsed<V> {

    private static final class Entry<V> {
        V value;
        long used;

        Entry(V value, long used) {
            this.value = value;
            this.used = used;
        }
    }

    private final int max;
    private final HashMap<String, Entry<V>> map = new HashMap<>();
    private long clock;
    /** The oldest keys the last scan found, oldest first, and their stamps then; from {@code next} on, not yet tried. */
    private String[] oldest = new String[0];
    private long[] oldestUsed = new long[0];
    private int next;

    /** @param max entries held at most; 0 holds none */
    RecentlyUsed(int max) {
        this.max = Math.max(0, max);
    }

    /** The value for {@code key}, now its most recently used; null when none is held. */
    V get(String key) {
        Entry<V> e = map.get(key);
        if (e == null) {
            return null;
        }
        e.used = ++clock;
        return e.value;
    }

    /**
     * The value for {@code key}, made by {@code make} and held when there is none (the least
     * recently used dropped beyond {@code max}); now the most recently used. With {@code max} 0, the
     * value made is returned and not held.
     */
    V computeIfAbsent(String key, Function<String, V> make) {
        Entry<V> e = map.get(key);
        if (e != null) {
            e.used = ++clock;
            return e.value;
        }
        V value = make.apply(key);
        if (max > 0) {
            map.put(key, new Entry<>(value, ++clock));
            if (map.size() > max) {
                dropLeastRecentlyUsed();
            }
        }
        return value;
    }

    /** Holds {@code value} for {@code key}, now its most recently used. */
    void put(String key, V value) {
        Entry<V> e = map.get(key);
        if (e == null) {
            computeIfAbsent(key, k -> value);
            return;
        }
        if (e.value != value) { // a reference written only when it changes
            e.value = value;
        }
        e.used = ++clock;
    }

    /** Drops {@code key}; its value, or null. */
    V remove(String key) {
        Entry<V> e = map.remove(key);
        return e == null ? null : e.value;
    }

    int size() {
        return map.size();
    }

    private void dropLeastRecentlyUsed() {
        while (true) {
            if (next == oldest.length) {
                scan();
            }
            String key = oldest[next];
            long used = oldestUsed[next];
            oldest[next++] = null;
            Entry<V> e = map.get(key);
            if (e != null && e.used == used) { // not used since the scan (nor dropped and added again)
                map.remove(key);
                return;
            }
        }
    }

    /** Finds the oldest sixteenth of the entries (at least one), oldest first. */
    private void scan() {
        long[] stamps = new long[map.size()];
        int n = 0;
        for (Entry<V> e : map.values()) {
            stamps[n++] = e.used;
        }
        Arrays.sort(stamps);
        int m = Math.max(1, n / 16);
        long last = stamps[m - 1]; // stamps are unique: exactly m entries at or below it
        long[] used = Arrays.copyOf(stamps, m);
        String[] keys = new String[m];
        map.forEach((key, e) -> {
            if (e.used <= last) {
                keys[Arrays.binarySearch(used, e.used)] = key;
            }
        });
        oldest = keys;
        oldestUsed = used;
        next = 0;
    }
}
