package org.partrec.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * A posted batch, checked whole before anything is stored: {@code {"events": [ ... ]}} with 1 to
 * {@code maxBatch} events, each with {@code eventId}, {@code userId} and {@code itemId} (non-blank,
 * at most {@code maxIdLength} characters), {@code type} (view, cart, purchase, return), an
 * optional {@code quantity} (a positive number, 1 when left out), {@code timestamp} (an ISO-8601
 * instant such as {@code 2026-12-06T14:03:00Z}, no later than {@code maxFuture} after now) and an
 * optional {@code recommendationId} and an optional {@code vehicle} (the platform the customer
 * chose, checked as an id). Fields it does not know are ignored, so that a client may
 * send more. The first fault found is an {@link Invalid} naming the field and the event's index.
 */
public final class EventBatch {

    /** The largest quantity one event may carry: an order line, not a data error. */
    static final double MAX_QUANTITY = 1_000_000;
    /** Events before this are not storefront events. */
    private static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");

    /** Limits a batch is checked against. */
    public record Limits(int maxBatch, int maxIdLength, Duration maxFuture) {
    }

    /** A batch refused: the field that is wrong (such as {@code events[3].type}) and why. */
    public static final class Invalid extends RuntimeException {
        private final String field;

        Invalid(String field, String message) {
            super(field + ": " + message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    private EventBatch() {
    }

    /** The batch's events, in order; an {@link Invalid} at the first fault. */
    public static List<Event> parse(JsonNode body, Limits limits, Instant now) {
        if (body == null || !body.isObject()) {
            throw new Invalid("events", "the body must be a JSON object {\"events\": [...]}");
        }
        JsonNode events = body.get("events");
        if (events == null || !events.isArray()) {
            throw new Invalid("events", "must be an array of events");
        }
        if (events.isEmpty()) {
            throw new Invalid("events", "must hold at least one event");
        }
        if (events.size() > limits.maxBatch()) {
            throw new Invalid("events", "may hold at most " + limits.maxBatch() + " events (partrec.events.max-batch),"
                    + " got " + events.size() + ": send them in several batches");
        }
        List<Event> out = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            out.add(event(events.get(i), "events[" + i + "]", limits, now));
        }
        return out;
    }

    private static Event event(JsonNode e, String at, Limits limits, Instant now) {
        if (!e.isObject()) {
            throw new Invalid(at, "must be an object");
        }
        String eventId = id(e, at, "eventId", limits);
        String userId = id(e, at, "userId", limits);
        String itemId = id(e, at, "itemId", limits);
        String typeName = text(e, at, "type");
        Event.Type type = Event.Type.of(typeName).orElseThrow(() -> new Invalid(at + ".type",
                "'" + typeName + "' is not one of " + Event.Type.names()));
        double quantity = quantity(e.get("quantity"), at + ".quantity");
        Instant timestamp = timestamp(text(e, at, "timestamp"), at + ".timestamp", limits, now);
        String recommendationId = optionalId(e, at, "recommendationId", limits);
        String vehicle = optionalId(e, at, "vehicle", limits);
        return new Event(eventId, userId, itemId, type, quantity, timestamp, recommendationId, vehicle);
    }

    private static String text(JsonNode e, String at, String name) {
        JsonNode v = e.get(name);
        if (v == null || v.isNull()) {
            throw new Invalid(at + "." + name, "is missing");
        }
        if (!v.isTextual()) {
            throw new Invalid(at + "." + name, "must be a string, got " + v.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        return v.textValue();
    }

    private static String id(JsonNode e, String at, String name, Limits limits) {
        String v = text(e, at, name);
        if (v.isBlank()) {
            throw new Invalid(at + "." + name, "must not be empty");
        }
        if (v.length() > limits.maxIdLength()) {
            throw new Invalid(at + "." + name, "must be at most " + limits.maxIdLength() + " characters, got "
                    + v.length());
        }
        return v;
    }

    private static String optionalId(JsonNode e, String at, String name, Limits limits) {
        JsonNode v = e.get(name);
        return v == null || v.isNull() ? null : id(e, at, name, limits);
    }

    private static double quantity(JsonNode v, String field) {
        if (v == null || v.isNull()) {
            return 1;
        }
        if (!v.isNumber()) {
            throw new Invalid(field, "must be a number, got " + v.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        double q = v.doubleValue();
        if (!(q > 0) || q > MAX_QUANTITY) { // NaN and infinities fail too
            throw new Invalid(field, "must be a positive number of at most " + (long) MAX_QUANTITY + ", got "
                    + v.asText());
        }
        return q;
    }

    private static Instant timestamp(String text, String field, Limits limits, Instant now) {
        Instant t;
        try {
            t = Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new Invalid(field, "'" + text + "' is not an ISO-8601 instant such as 2026-12-06T14:03:00Z");
        }
        if (t.isAfter(now.plus(limits.maxFuture()))) {
            throw new Invalid(field, text + " is more than " + limits.maxFuture().toSeconds()
                    + " s ahead of the service's clock (" + now + ")");
        }
        if (t.isBefore(EARLIEST)) {
            throw new Invalid(field, text + " is before 2000: not a storefront event");
        }
        return t;
    }
}
