package org.partrec.evaluate;

import org.partrec.features.CsrMatrix;
import org.partrec.features.IdMap;
import org.partrec.features.Interactions;

/**
 * The contract fixture, after implicit's checkerboard: 20 users and 20 items in two groups by
 * parity. User {@code u} has every item of its own parity except item {@code u} itself, so the
 * obvious recommendation for {@code u} is item {@code u}: the one item of its group it lacks.
 */
final class Checkerboard {

    static final int SIZE = 20;

    private Checkerboard() {
    }

    static Interactions interactions() {
        String[] users = new String[SIZE];
        String[] items = new String[SIZE];
        for (int i = 0; i < SIZE; i++) {
            users[i] = "u" + (char) ('a' + i);
            items[i] = "i" + (char) ('a' + i);
        }
        var b = new Interactions.Builder(IdMap.of(users), IdMap.of(items), SIZE * SIZE / 2);
        for (int u = 0; u < SIZE; u++) {
            for (int i = u % 2; i < SIZE; i += 2) {
                if (i != u) {
                    b.add(u, i, 1f + (u + i) % 3, 1000L * (u + i));
                }
            }
        }
        return b.build();
    }

    static CsrMatrix userItems() {
        return interactions().userItems();
    }

    /** User {@code u}'s items, sorted: the exclusion list. */
    static int[] owned(int u) {
        CsrMatrix m = userItems();
        return java.util.Arrays.copyOfRange(m.indices(), m.start(u), m.end(u));
    }
}
