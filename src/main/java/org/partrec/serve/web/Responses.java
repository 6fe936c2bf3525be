package org.partrec.serve.web;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

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
                    + " rather than its place by score. Always false on /complements.") boolean promoted) {
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
            @Schema(requiredMode = REQUIRED) List<Item> items) {
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

    static List<Item> items(Storefront.Answer a) {
        return a.items().stream().map(i -> new Item(i.itemId(), i.score(), i.info().name(), i.info().category(),
                i.info().brand(), i.promoted())).toList();
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

    /** {@link #served(MeterRegistry, String, Storefront.Answer)}, given by {@code variant}. */
    static RecommendationId served(MeterRegistry registry, String endpoint, String variant, Storefront.Answer a) {
        RecommendationId id = RecommendationId.issue(endpoint, variant, a.modelVersion(), java.time.Instant.now());
        registry.counter("partrec.answers", "endpoint", endpoint, "source", a.source().label()).increment();
        registry.counter("partrec.impressions", "endpoint", endpoint, "model_version", a.modelVersion(), "variant",
                id.variant()).increment(a.items().size());
        return id;
    }

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
