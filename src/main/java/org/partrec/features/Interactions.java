package org.partrec.features;

import java.util.Arrays;

/**
 * A log of (user, item, weight, time) rows over two id maps: what extract hands to features.
 * Rows are kept as parallel primitive arrays; {@link #NO_TIME} marks a row without a timestamp.
 * Immutable once built.
 */
public final class Interactions {

    /** The time of a row whose timestamp is unknown; sorts before every real time. */
    public static final long NO_TIME = Long.MIN_VALUE;

    private final IdMap users;
    private final IdMap items;
    private final int[] user;
    private final int[] item;
    private final float[] weight;
    private final long[] time;

    Interactions(IdMap users, IdMap items, int[] user, int[] item, float[] weight, long[] time) {
        this.users = users;
        this.items = items;
        this.user = user;
        this.item = item;
        this.weight = weight;
        this.time = time;
    }

    public IdMap users() {
        return users;
    }

    public IdMap items() {
        return items;
    }

    public int size() {
        return user.length;
    }

    public int user(int row) {
        return user[row];
    }

    public int item(int row) {
        return item[row];
    }

    public float weight(int row) {
        return weight[row];
    }

    /** Epoch seconds of the row, or {@link #NO_TIME}. */
    public long time(int row) {
        return time[row];
    }

    /** True when every row has a timestamp. */
    public boolean fullyTimed() {
        for (long t : time) {
            if (t == NO_TIME) {
                return false;
            }
        }
        return true;
    }

    /** The same rows with user {@code u} renumbered {@code userRemap[u]}, and items likewise. */
    Interactions remapped(int[] userRemap, int[] itemRemap) {
        int[] u = new int[user.length];
        int[] i = new int[item.length];
        for (int r = 0; r < u.length; r++) {
            u[r] = userRemap[user[r]];
            i[r] = itemRemap[item[r]];
        }
        return new Interactions(users, items, u, i, weight, time);
    }

    /** The user x item matrix of summed weights (duplicate pairs summed). */
    public CsrMatrix userItems() {
        return CsrMatrix.fromTriples(users.size(), items.size(), user, item, weight);
    }

    /**
     * One row per (user, item) pair: weights summed, time the latest of the pair's rows.
     * Rows come out sorted by user, then item index.
     */
    public Interactions aggregated() {
        long[] order = rowsByUserThenItem();
        Builder out = new Builder(users, items, order.length);
        int i = 0;
        while (i < order.length) {
            int first = (int) order[i];
            double w = 0;
            long t = NO_TIME;
            int j = i;
            for (; j < order.length; j++) {
                int r = (int) order[j];
                if (user[r] != user[first] || item[r] != item[first]) {
                    break;
                }
                w += weight[r];
                t = Math.max(t, time[r]);
            }
            out.add(user[first], item[first], (float) w, t);
            i = j;
        }
        return out.build();
    }

    /** Row numbers (low 32 bits of each long) ordered by user, then item, then row. */
    private long[] rowsByUserThenItem() {
        int n = size();
        int[] start = new int[users.size() + 1];
        for (int r = 0; r < n; r++) {
            start[user[r] + 1]++;
        }
        for (int u = 0; u < users.size(); u++) {
            start[u + 1] += start[u];
        }
        int[] fill = Arrays.copyOf(start, users.size());
        long[] order = new long[n];
        for (int r = 0; r < n; r++) {
            order[fill[user[r]]++] = ((long) item[r] << 32) | r;
        }
        for (int u = 0; u < users.size(); u++) {
            Arrays.sort(order, start[u], start[u + 1]);
        }
        for (int k = 0; k < n; k++) {
            order[k] &= 0xFFFF_FFFFL;
        }
        return order;
    }

    /** Incrementally builds {@link Interactions} over fixed id maps. */
    public static final class Builder {
        private final IdMap users;
        private final IdMap items;
        private int[] user;
        private int[] item;
        private float[] weight;
        private long[] time;
        private int size;

        public Builder(IdMap users, IdMap items, int capacity) {
            this.users = users;
            this.items = items;
            int c = Math.max(16, capacity);
            user = new int[c];
            item = new int[c];
            weight = new float[c];
            time = new long[c];
        }

        public Builder add(int u, int i, float w, long t) {
            if (size == user.length) {
                int c = size * 2;
                user = Arrays.copyOf(user, c);
                item = Arrays.copyOf(item, c);
                weight = Arrays.copyOf(weight, c);
                time = Arrays.copyOf(time, c);
            }
            user[size] = u;
            item[size] = i;
            weight[size] = w;
            time[size] = t;
            size++;
            return this;
        }

        public Interactions build() {
            return buildOver(users, items);
        }

        /** Builds over id maps that were completed after the rows were added. */
        public Interactions buildOver(IdMap users, IdMap items) {
            return new Interactions(users, items, Arrays.copyOf(user, size), Arrays.copyOf(item, size),
                    Arrays.copyOf(weight, size), Arrays.copyOf(time, size));
        }
    }
}
