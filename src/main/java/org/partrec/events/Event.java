package org.partrec.events;

import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * One storefront event: who did what to which part, when; {@code eventId} makes a repeat (a
 * client's retry, a replayed queue) count once. {@code recommendationId} names the answer the
 * event came from, when it did; {@code vehicle}, the vehicle platform the customer has chosen in
 * the storefront, when it says (their garage, {@code serve.Garage}; kept in memory, not stored).
 */
public record Event(String eventId, String userId, String itemId, Type type, double quantity, Instant timestamp,
                    String recommendationId, String vehicle) {

    /** An event that names no vehicle. */
    public Event(String eventId, String userId, String itemId, Type type, double quantity, Instant timestamp,
                 String recommendationId) {
        this(eventId, userId, itemId, type, quantity, timestamp, recommendationId, null);
    }

    /** What happened, by its name in the API and in the warehouse's events table. */
    public enum Type {
        VIEW("view", "view"),
        CART("cart", "add_to_cart"),
        PURCHASE("purchase", "purchase"),
        RETURN("return", "return");

        private final String wire;
        private final String warehouse;

        Type(String wire, String warehouse) {
            this.wire = wire;
            this.warehouse = warehouse;
        }

        /** As the API writes it: {@code view}, {@code cart}, {@code purchase}, {@code return}. */
        public String wire() {
            return wire;
        }

        /** As the events table holds it ({@code add_to_cart} for a cart). */
        public String warehouse() {
            return warehouse;
        }

        /** The type the API name means, in any case. */
        public static Optional<Type> of(String wire) {
            return Arrays.stream(values()).filter(t -> t.wire.equals(wire.toLowerCase(Locale.ROOT))).findFirst();
        }

        /** {@code view, cart, purchase, return}, for messages. */
        public static String names() {
            return String.join(", ", Arrays.stream(values()).map(Type::wire).toList());
        }
    }
}
