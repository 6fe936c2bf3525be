package org.partrec.features;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Dense, immutable map between external string ids and the ints {@code 0..size()-1} the core
 * works with. The one id map of the project: users and items each get one.
 */
public final class IdMap {

    private final String[] ids;
    private final Map<String, Integer> index;

    private IdMap(String[] ids, Map<String, Integer> index) {
        this.ids = ids;
        this.index = index;
    }

    /** An id map over the given ids, in that order; ids must be distinct. */
    public static IdMap of(String... ids) {
        Builder builder = new Builder();
        for (String id : ids) {
            int before = builder.size();
            if (builder.intern(id) != before) {
                throw new IllegalArgumentException("duplicate id: " + id);
            }
        }
        return builder.build();
    }

    /** Dense index of {@code id}, or -1 when the id is unknown. */
    public int indexOf(String id) {
        Integer i = index.get(id);
        return i == null ? -1 : i;
    }

    /** External id of dense index {@code i}. */
    public String idOf(int i) {
        return ids[i];
    }

    public int size() {
        return ids.length;
    }

    /** A builder that starts with this map's ids at the same indices, for appending more. */
    public Builder toBuilder() {
        Builder builder = new Builder();
        for (String id : ids) {
            builder.intern(id);
        }
        return builder;
    }

    @Override
    public String toString() {
        return "IdMap[size=" + ids.length + "]";
    }

    /** Assigns dense ints to ids in order of first appearance. */
    public static final class Builder {
        private final Map<String, Integer> index = new HashMap<>();
        private String[] ids = new String[16];
        private int size;

        /** The dense index of {@code id}, assigning the next free one if it is new. */
        public int intern(String id) {
            Integer existing = index.get(id);
            if (existing != null) {
                return existing;
            }
            if (size == ids.length) {
                ids = Arrays.copyOf(ids, size * 2);
            }
            ids[size] = id;
            index.put(id, size);
            return size++;
        }

        public int size() {
            return size;
        }

        /** The id interned as {@code i}. */
        public String idOf(int i) {
            return ids[i];
        }

        public IdMap build() {
            return new IdMap(Arrays.copyOf(ids, size), new HashMap<>(index));
        }

        /**
         * The ids in sorted order, whatever order they came in (so that data read in an
         * unspecified order, as from a warehouse query, gets the same dense ints every time).
         *
         * @param remap filled with the new index of each interned index; length at least {@link #size()}
         */
        public IdMap buildSorted(int[] remap) {
            String[] sorted = Arrays.copyOf(ids, size);
            Arrays.sort(sorted);
            Map<String, Integer> sortedIndex = new HashMap<>(size * 2);
            for (int i = 0; i < size; i++) {
                sortedIndex.put(sorted[i], i);
            }
            for (int i = 0; i < size; i++) {
                remap[i] = sortedIndex.get(ids[i]);
            }
            return new IdMap(sorted, sortedIndex);
        }
    }
}
