package org.partrec.serve.web;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micrometer.core.instrument.MeterRegistry;
import org.partrec.events.RecommendationId;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import org.partrec.serve.ServingModel;
import org.partrec.serve.Snapshot;
import org.partrec.serve.Storefront;
import org.springframework.http.ResponseEntity;

/** The response bodies of the storefront API, and the one way they are built. */
final class Responses {

    static final String MODEL_VERSION_HEADER = "X-Model-Version";
    static final String RECOMMENDATION_ID_HEADER = "X-Recommendation-Id";

    private Responses() {
    }

    /** One recommended item as the storefront shows it. */
    @Schema(description = "One recommended item, best first. name, category and brand come from the catalogue:"
            + " null for an item the catalogue does not list.")
    record Item(
            @Schema(requiredMode = REQUIRED, description = "The item id (part number).") String itemId,
            @Schema(requiredMode = REQUIRED, description = "The model's score; higher is better. Comparable within one"
                    + " answer only. Merchandising rules (partrec.rules) may order the items otherwise: boosts, buries"
                    + " and promoted slots; the score stays the model's.") float score,
            @Schema(requiredMode = REQUIRED, nullable = true) String name,
            @Schema(requiredMode = REQUIRED, nullable = true) String category,
            @Schema(requiredMode = REQUIRED, nullable = true) String brand,
            @Schema(requiredMode = REQUIRED, description = "Whether the item fills a slot a merchandising rule"
                    + " promotes (partrec.rules: a share of the slots, evenly spaced, for the best promoted items)"
                    + " rather than its place by score. Always false on /complements.") boolean promoted,
            @JsonInclude(JsonInclude.Include.NON_NULL)
            @Schema(description = "Why this item, with explain=true (absent otherwise): items of the customer's own"
                    + " history with their shares of the score, or the category of a popular item.") List<Reason> reasons) {

        Item(String itemId, float score, String name, String category, String brand, boolean promoted) {
            this(itemId, score, name, category, brand, promoted, null);
        }
    }

    /** One reason for a recommended item. */
    @Schema(description = "A reason for an item: type history (an item of the customer's history; contribution is its"
            + " share of the score, Hu, Koren and Volinsky 2008), fits (the part fits the garage applied), promoted"
            + " (a merchandising rule put it in its slot) or popular (the popular list, by category).")
    record Reason(
            @Schema(requiredMode = REQUIRED, allowableValues = {"history", "fits", "promoted", "popular"}) String type,
            @Schema(requiredMode = REQUIRED, description = "A sentence the storefront can show.") String text,
            @Schema(requiredMode = REQUIRED, nullable = true, description = "The history item (type history).")
            String itemId,
            @Schema(requiredMode = REQUIRED, nullable = true, description = "Its share of the score (type history).")
            Double contribution) {
    }

    /** One item of the history and its share, in {@code GET /recommendations/{userId}/because/{itemId}}. */
    @Schema(description = "An item of the customer's history and its share of the score.")
    record Share(
            @Schema(requiredMode = REQUIRED) String itemId,
            @Schema(requiredMode = REQUIRED, nullable = true) String name,
            @Schema(requiredMode = REQUIRED, description = "The customer's confidence in it, 1 + alpha * weight:"
                    + " what the model was trained on, plus events since.") float confidence,
            @Schema(requiredMode = REQUIRED, description = "Its share of the score: confidence times the similarity"
                    + " of the two items under the customer's own metric.") double contribution) {
    }

    /** {@code GET /recommendations/{userId}/because/{itemId}}. */
    @Schema(description = "A score taken apart: the shares of the customer's history items add up to explained, and"
            + " explained + residual = score. The residual is 0 (to rounding) for source realtime; for source model it"
            + " is what the trainer's last approximate step leaves.")
    record Because(
            @Schema(requiredMode = REQUIRED) String userId,
            @Schema(requiredMode = REQUIRED) String itemId,
            @Schema(requiredMode = REQUIRED) String modelVersion,
            @Schema(requiredMode = REQUIRED, allowableValues = {"model", "realtime"}) String source,
            @Schema(requiredMode = REQUIRED, description = "The item's score for this customer, as their list has it.")
            float score,
            @Schema(requiredMode = REQUIRED) double explained,
            @Schema(requiredMode = REQUIRED) double residual,
            @Schema(requiredMode = REQUIRED, description = "Every item of the history, largest share first.")
            List<Share> shares) {
    }

    /** {@code GET /recommendations/{userId}} and {@code POST /recommendations}. */
    @Schema(description = "Recommendations for a user or a basket.")
    record Recommendations(
            @Schema(requiredMode = REQUIRED, nullable = true, description = "The user asked about; null for a basket"
                    + " (POST /recommendations).") String userId,
            @Schema(requiredMode = REQUIRED, description = "The version of the model that answered, as in the"
                    + " X-Model-Version header.") String modelVersion,
            @Schema(requiredMode = REQUIRED, description = "Names this answer: post it back with the events that"
                    + " come from it (POST /events, recommendationId) to have them attributed to it. The same as the"
                    + " X-Recommendation-Id header.") String recommendationId,
            @Schema(requiredMode = REQUIRED, allowableValues = {"model", "popular", "foldin", "realtime"},
                    description = "model: the user's own factors; popular: the popular list (an unknown user, or no"
                    + " trained model yet); foldin: the basket folded into a user vector; realtime: the user's"
                    + " factors solved again with their events since the model was trained (POST /events).")
            String source,
            @Schema(requiredMode = REQUIRED) List<Item> items,
            @Schema(requiredMode = REQUIRED, nullable = true, description = "The garage the items fit (fits=auto, the"
                    + " default); null when none was applied: fits=any or a platform, or no garage known.")
            Garage garage) {
    }

    /** The vehicle platforms an answer's items fit. */
    @Schema(description = "The customer's garage: the vehicle platforms every recommended part fits (or is universal).")
    record Garage(
            @Schema(requiredMode = REQUIRED, description = "Vehicle platforms as the catalogue's fitment spells them,"
                    + " one or two; a part fits when it fits any of them.") List<String> platforms,
            @Schema(requiredMode = REQUIRED, allowableValues = {"purchases", "viewed", "vehicle", "events", "basket"},
                    description = "purchases: inferred from what the customer bought and kept (the platforms with at"
                    + " least 0.3 of their fitted parts); viewed: the same from the parts they viewed, carted or bought,"
                    + " having bought no fitted part; vehicle: the request's vehicle parameter; events: the vehicle"
                    + " of their latest posted event that named one; basket: inferred from the basket's parts.")
            String source) {
    }

    /** {@code GET /similar/{itemId}}. */
    @Schema(description = "Items similar to one item.")
    record Similar(
            @Schema(requiredMode = REQUIRED, description = "The item asked about.") String itemId,
            @Schema(requiredMode = REQUIRED, description = "The version of the model that answered, as in the"
                    + " X-Model-Version header.") String modelVersion,
            @Schema(requiredMode = REQUIRED, description = "Names this answer: post it back with the events that"
                    + " come from it (POST /events, recommendationId) to have them attributed to it. The same as the"
                    + " X-Recommendation-Id header.") String recommendationId,
            @Schema(requiredMode = REQUIRED, allowableValues = {"model", "popular"}, description = "model: cosine"
                    + " neighbours of the item's factors; popular: the popular list (no trained model yet).")
            String source,
            @Schema(requiredMode = REQUIRED) List<Item> items) {
    }

    /** {@code GET /complements/{itemId}}. */
    @Schema(description = "Parts frequently bought together with one item.")
    record Complements(
            @Schema(requiredMode = REQUIRED, description = "The item asked about.") String itemId,
            @Schema(requiredMode = REQUIRED, description = "The version of the snapshot that answered, as in the"
                    + " X-Model-Version header.") String modelVersion,
            @Schema(requiredMode = REQUIRED, description = "Names this answer: post it back with the events that"
                    + " come from it (POST /events, recommendationId) to have them attributed to it. The same as the"
                    + " X-Recommendation-Id header.") String recommendationId,
            @Schema(requiredMode = REQUIRED, allowableValues = {"copurchase"}, description = "copurchase: counted from"
                    + " the customers' purchases (score: the pair's association, by default its normalised"
                    + " pointwise mutual information, -1 to 1, 0 for a pair bought together as often as chance"
                    + " has it).") String source,
            @Schema(requiredMode = REQUIRED) List<Item> items) {
    }

    static Garage garage(org.partrec.serve.Garage.Applied applied) {
        return applied == null ? null : new Garage(applied.platforms(), applied.source().label());
    }

    static List<Item> items(Storefront.Answer a) {
        return a.items().stream().map(i -> new Item(i.itemId(), i.score(), i.info().name(), i.info().category(),
                i.info().brand(), i.promoted())).toList();
    }

    /** {@link #items(Storefront.Answer)} with each item's reasons. */
    static List<Item> items(Storefront.Answer a, List<List<org.partrec.serve.Explanations.Reason>> reasons) {
        List<Item> out = new java.util.ArrayList<>(a.items().size());
        for (int j = 0; j < a.items().size(); j++) {
            Storefront.Item i = a.items().get(j);
            out.add(new Item(i.itemId(), i.score(), i.info().name(), i.info().category(), i.info().brand(), i.promoted(),
                    reasons.get(j).stream().map(r -> new Reason(r.type(), r.text(), r.itemId(), r.contribution())).toList()));
        }
        return out;
    }

    static <T> ResponseEntity<T> ok(Storefront.Answer a, RecommendationId id, T body) {
        return ResponseEntity.ok().header(MODEL_VERSION_HEADER, a.modelVersion())
                .header(RECOMMENDATION_ID_HEADER, id.format()).body(body);
    }

    /**
     * An answer given: its id, and its count by endpoint and source ({@code partrec_answers_total})
     * and its items by endpoint, model version and variant ({@code partrec_impressions_total}).
     */
    static RecommendationId served(MeterRegistry registry, String endpoint, Storefront.Answer a) {
        return served(registry, endpoint, RecommendationId.CHAMPION, a);
    }

    /**
     * The counter of {@code key}, made once: looked up without a lock first, since
     * {@code computeIfAbsent} locks the key's bin when the key is there but does not head it
     * (82 of the 274 waits of 10 ms or more that JFR recorded on {@code GET /recommendations}
     * during ingestion, README "Events").
     */
    private static io.micrometer.core.instrument.Counter counter(Counters c, CounterKey key,
            java.util.function.Function<CounterKey, io.micrometer.core.instrument.Counter> make) {
        io.micrometer.core.instrument.Counter counter = c.counters().get(key);
        return counter != null ? counter : c.counters().computeIfAbsent(key, make);
    }

    /** {@link #served(MeterRegistry, String, Storefront.Answer)}, given by {@code variant}. */
    static RecommendationId served(MeterRegistry registry, String endpoint, String variant, Storefront.Answer a) {
        RecommendationId id = RecommendationId.issue(endpoint, variant, a.modelVersion(), java.time.Instant.now());
        Counters c = counters;
        if (c == null || c.registry() != registry) { // one registry in a process; a test's contexts may take turns
            c = new Counters(registry, new java.util.concurrent.ConcurrentHashMap<>());
            counters = c;
        }
        counter(c, new CounterKey("partrec.answers", endpoint, a.source().label(), null),
                k -> registry.counter(k.name(), "endpoint", endpoint, "source", k.a())).increment();
        counter(c, new CounterKey("partrec.impressions", endpoint, a.modelVersion(), id.variant()),
                k -> registry.counter(k.name(), "endpoint", endpoint, "model_version", k.a(), "variant", k.b()))
                .increment(a.items().size());
        return id;
    }

    /** A counter of {@link #served} by its name and tag values. */
    private record CounterKey(String name, String endpoint, String a, String b) {
    }

    /** The counters {@link #served} increments in {@code registry}, found once each. */
    private record Counters(MeterRegistry registry,
                            java.util.concurrent.ConcurrentHashMap<CounterKey, io.micrometer.core.instrument.Counter> counters) {
    }

    /**
     * The counters {@link #served} increments, each looked up in the registry by name and tags once
     * instead of on every answer (a few model versions and variants a day: this stays small).
     */
    private static volatile Counters counters;

    /** The snapshot this request will use from start to end. */
    static Snapshot snapshot(ServingModel serving) {
        return serving.current().orElseThrow(Problems.ModelUnavailable::new);
    }

    /** The snapshot (and variant) that answers {@code userId}, used from start to end. */
    static ServingModel.Assignment assignment(ServingModel serving, String userId) {
        ServingModel.Assignment a = serving.assign(userId);
        if (a.snapshot() == null) {
            throw new Problems.ModelUnavailable();
        }
        return a;
    }
}
