package org.partrec.serve.web;

import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.NumberSchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import java.math.BigDecimal;
import java.util.List;
import org.partrec.events.Event;
import org.partrec.events.EventBatch;

/**
 * The body of {@code POST /events} in the OpenAPI document, with the bounds {@link EventBatch}
 * checks: the controller reads the body as JSON and checks it itself, to name the field and
 * index of the first bad event, so springdoc cannot see its shape.
 */
final class EventSchemas {

    private EventSchemas() {
    }

    static Schema<?> batch(EventBatch.Limits limits, int maxIdLength) {
        Schema<?> event = new ObjectSchema().description("One event. Fields not listed here are ignored.")
                .required(List.of("eventId", "userId", "itemId", "type", "timestamp"))
                .addProperty("eventId", id(maxIdLength, "The event's id: an event posted again with the same id"
                        + " (a retry) is stored once."))
                .addProperty("userId", id(maxIdLength, "The customer."))
                .addProperty("itemId", id(maxIdLength, "The part (part number)."))
                .addProperty("type", new StringSchema()._enum(java.util.Arrays.stream(Event.Type.values())
                        .map(Event.Type::wire).toList()).description("What the customer did."))
                .addProperty("quantity", new NumberSchema().exclusiveMinimum(true).minimum(BigDecimal.ZERO)
                        .maximum(BigDecimal.valueOf(1_000_000)).description("How many; 1 when left out."))
                .addProperty("timestamp", new StringSchema().format("date-time").description("When it happened,"
                        + " an ISO-8601 instant such as 2026-12-06T14:03:00Z; at most "
                        + limits.maxFuture().toSeconds() + " s ahead of the service's clock."))
                .addProperty("recommendationId", id(maxIdLength, "The answer the event came from, when it did.")
                        .nullable(true))
                .addProperty("vehicle", id(maxIdLength, "The vehicle platform the customer chose (their garage),"
                        + " as the catalogue's fitment spells it: their next recommendations fit it (fits=auto)."
                        + " Kept by the service in memory, not stored with the event.").nullable(true));
        return new ObjectSchema().description("A batch of storefront events, checked whole: one bad event refuses it"
                        + " all, naming the field and the event's index (events[3].type).")
                .required(List.of("events"))
                .addProperty("events", new ArraySchema().items(event).minItems(1).maxItems(limits.maxBatch()));
    }

    private static Schema<?> id(int maxIdLength, String description) {
        return new StringSchema().minLength(1).maxLength(maxIdLength).description(description);
    }
}
