package org.partrec.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.partrec.events.Event;

/**
 * One taken batch as a message between replicas: compact JSON, the events in the API's own
 * field names (as posted, checked and defaulted) and when the receiving replica took them,
 * <pre>{"receivedAt":"2026-12-06T14:03:00.123Z","events":[{"eventId":"e1","userId":"C1","itemId":"HOL-1",
 *   "type":"purchase","quantity":1.0,"timestamp":"2026-12-06T14:02:59Z"}]}</pre>
 * ({@code recommendationId} and {@code vehicle} only where the event has one). A batch of the API's largest, 200
 * events of 128-character ids, stays far below Pub/Sub's 10 MB message limit.
 */
final class EventMessage {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A message this replica cannot read: another format, or a damaged one. */
    static final class Unreadable extends RuntimeException {
        Unreadable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A batch read back. */
    record Batch(List<Event> events, Instant receivedAt) {
    }

    private EventMessage() {
    }

    static byte[] encode(List<Event> events, Instant receivedAt) {
        ObjectNode root = JSON.createObjectNode();
        root.put("receivedAt", receivedAt.toString());
        ArrayNode out = root.putArray("events");
        for (Event e : events) {
            ObjectNode o = out.addObject();
            o.put("eventId", e.eventId());
            o.put("userId", e.userId());
            o.put("itemId", e.itemId());
            o.put("type", e.type().wire());
            o.put("quantity", e.quantity());
            o.put("timestamp", e.timestamp().toString());
            if (e.recommendationId() != null) {
                o.put("recommendationId", e.recommendationId());
            }
            if (e.vehicle() != null) {
                o.put("vehicle", e.vehicle());
            }
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a batch as JSON", e); // a tree of strings and numbers always writes
        }
    }

    static Batch decode(byte[] data) {
        try {
            JsonNode root = JSON.readTree(data);
            JsonNode events = root == null ? null : root.get("events");
            if (events == null || !events.isArray()) {
                throw new Unreadable("no events array", null);
            }
            List<Event> out = new ArrayList<>(events.size());
            for (JsonNode e : events) {
                JsonNode recommendation = e.get("recommendationId");
                JsonNode vehicle = e.get("vehicle");
                out.add(new Event(text(e, "eventId"), text(e, "userId"), text(e, "itemId"),
                        Event.Type.of(text(e, "type")).orElseThrow(() -> new Unreadable("unknown type " + e.get("type"),
                                null)), number(e, "quantity"), Instant.parse(text(e, "timestamp")),
                        recommendation == null || recommendation.isNull() ? null : recommendation.asText(),
                        vehicle == null || vehicle.isNull() ? null : vehicle.asText()));
            }
            return new Batch(out, Instant.parse(text(root, "receivedAt")));
        } catch (IOException | DateTimeParseException e) {
            throw new Unreadable(e.getMessage(), e);
        }
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual()) {
            throw new Unreadable("no text " + field, null);
        }
        return v.textValue();
    }

    private static double number(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isNumber() || !(v.doubleValue() > 0)) {
            throw new Unreadable("no positive number " + field, null);
        }
        return v.doubleValue();
    }
}
