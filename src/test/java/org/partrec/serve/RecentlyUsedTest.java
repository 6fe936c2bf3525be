package org.partrec.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The least recently used map, checked against the obvious model: an access-ordered
 * {@code LinkedHashMap} that removes its eldest entry beyond the size, over random gets, puts,
 * adds and removes on more keys than it holds, so that scans find entries used since, dropped and
 * added again.
 */
class RecentlyUsedTest {

    @Test
    void holdsWhatAnAccessOrderedLinkedHashMapHolds() {
        for (int max : new int[] {1, 2, 15, 16, 17, 100}) {
            long seed = 20261207L + max;
            SplittableRandom random = new SplittableRandom(seed);
            RecentlyUsed<Integer> map = new RecentlyUsed<>(max);
            Map<String, Integer> model = new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
                    return size() > max;
                }
            };
            for (int step = 0; step < 30_000; step++) {
                String key = "user-" + random.nextInt(3 * max + 2);
                int value = random.nextInt(1000);
                switch (random.nextInt(4)) {
                    case 0 -> assertThat(map.get(key)).as("seed %d, step %d: get %s", seed, step, key)
                            .isEqualTo(model.get(key));
                    case 1 -> assertThat(map.computeIfAbsent(key, k -> value))
                            .as("seed %d, step %d: computeIfAbsent %s", seed, step, key)
                            .isEqualTo(model.computeIfAbsent(key, k -> value));
                    case 2 -> {
                        map.put(key, value);
                        model.put(key, value);
                    }
                    default -> assertThat(map.remove(key)).as("seed %d, step %d: remove %s", seed, step, key)
                            .isEqualTo(model.remove(key));
                }
                assertThat(map.size()).as("seed %d, step %d: size", seed, step).isEqualTo(model.size());
            }
            for (Map.Entry<String, Integer> e : Map.copyOf(model).entrySet()) { // what is held, at the end
                assertThat(map.get(e.getKey())).as("seed %d: %s at the end", seed, e.getKey()).isEqualTo(e.getValue());
            }
        }
    }

    @Test
    void holdsNoneWhenItMayHoldNone() {
        RecentlyUsed<String> none = new RecentlyUsed<>(0);
        assertThat(none.computeIfAbsent("a", k -> "made")).isEqualTo("made");
        none.put("b", "put");
        assertThat(none.size()).isZero();
        assertThat(none.get("a")).isNull();
        assertThat(none.get("b")).isNull();
    }
}
