package org.partrec.features;

import java.util.Locale;
import java.util.Map;
import org.partrec.extract.InteractionSource;

/**
 * The transform step: events into weighted interactions. Each event weighs its type's weight
 * times its quantity (capped), duplicates are summed later by the features step; purchases are
 * also collected on their own, for "exclude what the user bought". Events of an unknown type are
 * counted and skipped.
 *
 * @param weights     weight per event type (lower case)
 * @param quantityCap quantities above this count as this (outlier orders)
 */
public record EventWeights(Map<String, Double> weights, double quantityCap) {

    public static final EventWeights DEFAULT = new EventWeights(
            Map.of("view", 1.0, "add_to_cart", 3.0, "purchase", 5.0), 10);

    /** Everything the transform produced. */
    public record Result(Interactions interactions, Interactions purchases, long events, long skipped) {
    }

    /** Streams {@code source} through the weights into interactions with fresh id maps. */
    public Result apply(InteractionSource source) {
        IdMap.Builder users = new IdMap.Builder();
        IdMap.Builder items = new IdMap.Builder();
        var all = new Interactions.Builder(null, null, 1 << 16);
        var bought = new Interactions.Builder(null, null, 1 << 12);
        long[] skipped = new long[1];
        long events = source.extract(e -> {
            Double w = weights.get(e.type().toLowerCase(Locale.ROOT));
            if (w == null || !(e.quantity() > 0) || e.userId().isEmpty() || e.itemId().isEmpty()) {
                skipped[0]++;
                return;
            }
            int u = users.intern(e.userId());
            int i = items.intern(e.itemId());
            float weight = (float) (w * Math.min(e.quantity(), quantityCap));
            all.add(u, i, weight, e.epochSeconds());
            if (e.type().equalsIgnoreCase("purchase")) {
                bought.add(u, i, (float) e.quantity(), e.epochSeconds());
            }
        });
        IdMap u = users.build();
        IdMap i = items.build();
        return new Result(all.buildOver(u, i), bought.buildOver(u, i), events, skipped[0]);
    }
}
