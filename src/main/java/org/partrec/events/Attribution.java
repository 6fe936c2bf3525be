package org.partrec.events;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Events that came from an answer, counted against it: an event carrying a
 * {@link RecommendationId} this service wrote, dated from the answer to
 * {@code window} after it, counts once for the answer's endpoint, model version and variant,
 * with the revenue of a purchase (price times quantity). A repeated event id counts once: the ids
 * attributed lately are remembered, {@code remembered} of them, the oldest forgotten first (a
 * repeat after that, or after a restart, would count again).
 */
public final class Attribution {

    /** Where attributed events are counted (Prometheus, in the service). */
    public interface Counters {
        void attributed(RecommendationId id, Event.Type type, double revenue);
    }

    /** How far before the answer an event may be dated (the storefront's clock against ours). */
    static final Duration SKEW = Duration.ofMinutes(5);

    private final Duration window;
    private final Map<String, Boolean> seen;

    public Attribution(Duration window, int remembered) {
        this.window = window;
        this.seen = new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > remembered;
            }
        };
    }

    /**
     * Counts the event against the answer it names, if it names one of ours and falls in its
     * window; whether it counted.
     *
     * @param price an item's price, 0 when unknown
     */
    public synchronized boolean attribute(Event e, ToDoubleFunction<String> price, Counters counters) {
        RecommendationId id = RecommendationId.parse(e.recommendationId()).orElse(null);
        if (id == null || e.timestamp().isBefore(id.issuedAt().minus(SKEW))
                || e.timestamp().isAfter(id.issuedAt().plus(window)) || seen.containsKey(e.eventId())) {
            return false;
        }
        seen.put(e.eventId(), Boolean.TRUE);
        counters.attributed(id, e.type(), e.type() == Event.Type.PURCHASE ? price.applyAsDouble(e.itemId()) * e.quantity() : 0);
        return true;
    }
}
