package org.partrec.evaluate;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.partrec.features.Interactions;

/**
 * The holdout split of the shared benchmark protocol, used to carve a validation set from train
 * data (tuning) and a holdout from extracted data (the service's evaluation gate). Rows are first
 * aggregated per (user, item): weights summed, time the latest. For every user with at least 3
 * distinct items, the most recent {@code ceil(20%)} of them (at least 1), ordered by
 * (time, external item id), are held out; all other pairs train. Held-out pairs whose item is
 * left with no train row are dropped. When any row lacks a time, each user's items are ordered by
 * id and shuffled with one seeded generator instead.
 */
public final class HoldoutSplit {

    private HoldoutSplit() {
    }

    /** Train and held-out rows over the same id maps as the input. */
    public record Split(Interactions train, Interactions holdout, int dropped) {
    }

    public static Split split(Interactions rows, long seed) {
        Interactions pairs = rows.aggregated();
        boolean timed = pairs.fullyTimed();
        SplittableRandom random = new SplittableRandom(seed);
        int n = pairs.size();
        boolean[] held = new boolean[n];
        int start = 0;
        while (start < n) {
            int end = start;
            while (end < n && pairs.user(end) == pairs.user(start)) {
                end++;
            }
            int count = end - start;
            if (count >= 3) {
                Integer[] order = new Integer[count];
                for (int j = 0; j < count; j++) {
                    order[j] = start + j;
                }
                if (timed) {
                    Arrays.sort(order, (a, b) -> pairs.time(a) != pairs.time(b)
                            ? Long.compare(pairs.time(a), pairs.time(b))
                            : pairs.items().idOf(pairs.item(a)).compareTo(pairs.items().idOf(pairs.item(b))));
                } else {
                    Arrays.sort(order, (a, b) -> pairs.items().idOf(pairs.item(a)).compareTo(pairs.items().idOf(pairs.item(b))));
                    for (int j = count - 1; j > 0; j--) {
                        int s = random.nextInt(j + 1);
                        Integer t = order[j];
                        order[j] = order[s];
                        order[s] = t;
                    }
                }
                int nHeld = Math.max(1, (count + 4) / 5); // ceil(20%) in integers
                for (int j = count - nHeld; j < count; j++) {
                    held[order[j]] = true;
                }
            }
            start = end;
        }
        boolean[] itemInTrain = new boolean[pairs.items().size()];
        for (int r = 0; r < n; r++) {
            if (!held[r]) {
                itemInTrain[pairs.item(r)] = true;
            }
        }
        var train = new Interactions.Builder(pairs.users(), pairs.items(), n);
        var holdout = new Interactions.Builder(pairs.users(), pairs.items(), n / 4);
        int dropped = 0;
        for (int r = 0; r < n; r++) {
            if (!held[r]) {
                train.add(pairs.user(r), pairs.item(r), pairs.weight(r), pairs.time(r));
            } else if (itemInTrain[pairs.item(r)]) {
                holdout.add(pairs.user(r), pairs.item(r), pairs.weight(r), pairs.time(r));
            } else {
                dropped++;
            }
        }
        return new Split(train.build(), holdout.build(), dropped);
    }
}
