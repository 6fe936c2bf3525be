package org.partrec.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The ids stored lately, held as hashes in a ring: checked against the obvious model of that ring
 * (a queue of slots, at most the capacity; an id stored again takes a new slot at the young end
 * and leaves its old one dead until the old end reaches it), over random puts that collide in the
 * table, wrap the ring and store ids again.
 */
class RecentIdsTest {

    static final Instant T = Instant.parse("2026-12-07T00:00:00Z");

    /** A slot of the model: the id, its time, and whether it is still the id's. */
    static final class Slot {
        final String id;
        final Instant at;
        boolean alive = true;

        Slot(String id, Instant at) {
            this.id = id;
            this.at = at;
        }
    }

    @Test
    void answersAsTheObviousModelOfTheRingDoes() {
        long seed = 20261207L;
        SplittableRandom random = new SplittableRandom(seed);
        int capacity = 1000;
        RecentIds ids = new RecentIds(capacity);
        java.util.ArrayDeque<Slot> ring = new java.util.ArrayDeque<>();
        Map<String, Slot> live = new java.util.HashMap<>();
        for (int step = 0; step < 50_000; step++) {
            String id = "ev-" + random.nextInt(3000); // many ids stored again, before and after being forgotten
            Instant at = T.plusNanos(step * 1_000_001L);
            Slot old = live.remove(id);
            if (old != null) {
                old.alive = false;
            }
            if (ring.size() == capacity) {
                Slot gone = ring.removeFirst();
                if (gone.alive) {
                    live.remove(gone.id);
                }
            }
            Slot slot = new Slot(id, at);
            ring.addLast(slot);
            live.put(id, slot);
            ids.put(id, at);
            String probe = "ev-" + random.nextInt(3000);
            Slot expected = live.get(probe);
            assertThat(ids.get(probe)).as("seed %d, step %d, %s", seed, step, probe)
                    .isEqualTo(expected == null ? null : expected.at);
        }
        assertThat(ids.get("never-stored")).isNull();
        assertThat(live).hasSizeGreaterThan(capacity / 2); // most slots alive: the test held real ids
    }

    @Test
    void theOldestIsForgottenFirstAndAnIdStoredAgainIsYoungAgain() {
        RecentIds ids = new RecentIds(3);
        ids.put("a", T);
        ids.put("b", T.plusSeconds(1));
        ids.put("c", T.plusSeconds(2));
        ids.put("a", T.plusSeconds(3)); // a is the youngest now, with its newer time
        assertThat(ids.get("a")).isEqualTo(T.plusSeconds(3));
        ids.put("d", T.plusSeconds(4)); // b, the oldest held, is forgotten
        assertThat(ids.get("b")).isNull();
        assertThat(ids.get("c")).isEqualTo(T.plusSeconds(2));
        ids.put("e", T.plusSeconds(5)); // then c
        assertThat(ids.get("c")).isNull();
        assertThat(ids.get("a")).isEqualTo(T.plusSeconds(3));
        assertThat(ids.get("d")).isEqualTo(T.plusSeconds(4));
        assertThat(ids.get("e")).isEqualTo(T.plusSeconds(5));
    }
}
