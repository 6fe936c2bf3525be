package org.partrec.serve.web;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.util.List;
import org.partrec.events.Event;
import org.partrec.events.EventBatch;
import org.partrec.events.Attribution;
import org.partrec.events.EventFanout;
import org.partrec.events.EventSink;
import org.partrec.events.ExperimentTally;
import org.partrec.events.RecommendationId;
import org.partrec.serve.ServingModel;
import org.partrec.serve.Snapshot;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /events}: the storefront's events as they happen. A batch is checked whole before
 * anything is kept ({@link EventBatch}): the first bad event fails it with a 400 naming the field
 * and the event's index ({@code events[3].type}). A good batch is stored, each event id once
 * ({@link EventSink}), and the answer says how many events were new and how many repeats; with
 * {@code partrec.events.store=false} nothing is stored and the answer says so. Either way the
 * events take effect on their users' next answers, on every replica ({@link EventFanout}; on
 * this one before the answer is sent).
 */
@RestController
@Tag(name = "events")
class EventsController {

    private final EventSink sink;
    private final boolean store;
    private final EventBatch.Limits limits;
    private final MeterRegistry registry;
    private final Clock clock = Clock.systemUTC();

    private final EventFanout fanout;
    private final Attribution attribution;
    private final ServingModel serving;
    private final ExperimentTally tally;

    EventsController(ObjectProvider<EventSink> sink, EventLimits limits, MeterRegistry registry, EventFanout fanout,
                     Attribution attribution, ServingModel serving, ExperimentTally tally) {
        this.tally = tally;
        this.fanout = fanout;
        this.attribution = attribution;
        this.serving = serving;
        this.sink = sink.getIfAvailable();
        this.store = limits.store() && this.sink != null;
        this.limits = limits.batch();
        this.registry = registry;
    }

    /** The answer to a good batch. */
    @Schema(description = "What a batch changed.")
    record Accepted(
            @Schema(requiredMode = REQUIRED, description = "Events in the batch.") int received,
            @Schema(requiredMode = REQUIRED, description = "Events stored now, for the first time. On a BigQuery"
                    + " warehouse, every distinct eventId of the batch: an id stored by an earlier batch is not looked"
                    + " up, and training reads it once all the same.") int added,
            @Schema(requiredMode = REQUIRED, description = "Events whose eventId was stored before, or given twice in"
                    + " the batch: not stored again. On a BigQuery warehouse, only those given twice in the batch.")
            int repeated,
            @Schema(requiredMode = REQUIRED, description = "Whether this deployment stores events"
                    + " (partrec.events.store); when false, added and repeated are 0.") boolean stored) {
    }

    /**
     * A batch taken: its events reach their users' next answers, on every replica, and the answers
     * they came from, counted here only.
     */
    private void took(List<Event> events, java.time.Instant received) {
        fanout.fanOut(events, received);
        Snapshot s = serving.current().orElse(null);
        for (Event e : events) {
            if (e.recommendationId() != null) {
                attribution.attribute(e, item -> price(s, item), this::attributed);
            }
        }
    }

    /** An item's price in the serving catalogue, 0 when it has none. */
    private static double price(Snapshot s, String itemId) {
        int item = s == null ? -1 : s.items().indexOf(itemId);
        double price = item < 0 ? 0 : s.catalog().info(item).price();
        return Double.isFinite(price) && price > 0 ? price : 0;
    }

    /**
     * {@code partrec_attributed_events_total{endpoint, model_version, variant, type}} and
     * {@code partrec_attributed_revenue_total{endpoint, model_version, variant}}.
     */
    private void attributed(RecommendationId id, Event.Type type, double revenue) {
        serving.challenger().ifPresent(c -> tally.attributed(id, type, revenue, c.createdAt()));
        registry.counter("partrec.attributed.events", "endpoint", id.endpoint(), "model_version", id.modelVersion(),
                "variant", id.variant(), "type", type.wire()).increment();
        if (revenue > 0) {
            registry.counter("partrec.attributed.revenue", "endpoint", id.endpoint(), "model_version",
                    id.modelVersion(), "variant", id.variant()).increment(revenue);
        }
    }

    @Operation(operationId = "postEvents", summary = "Storefront events",
            description = "Views, carts, purchases and returns as they happen, in batches. Each event counts once"
                    + " by its eventId, so a retried batch is safe; the next training run reads them. A batch with a"
                    + " bad event is refused whole (400, naming the field and the event's index) and nothing of it"
                    + " is stored.")
    @PostMapping("/events")
    ResponseEntity<Accepted> post(@RequestBody(required = false) JsonNode body) {
        List<Event> events;
        try {
            events = EventBatch.parse(body, limits, clock.instant());
        } catch (EventBatch.Invalid e) {
            throw new BadRequest(e.field(), e.getMessage());
        }
        java.time.Instant received = clock.instant();
        if (!store) {
            registry.counter("partrec.events.received", "outcome", "not_stored").increment(events.size());
            took(events, received);
            return ResponseEntity.ok(new Accepted(events.size(), 0, 0, false));
        }
        EventSink.Stored s = sink.store(events, received); // a batch not stored (503) has no effect either
        took(events, received);
        registry.counter("partrec.events.received", "outcome", "added").increment(s.added());
        registry.counter("partrec.events.received", "outcome", "repeated").increment(s.repeated());
        return ResponseEntity.ok(new Accepted(events.size(), s.added(), s.repeated(), true));
    }
}
