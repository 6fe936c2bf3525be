package org.partrec.serve.web;

import java.util.List;
import org.partrec.serve.ServingModel;
import org.partrec.serve.Snapshot;
import org.partrec.serve.Storefront;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.http.ResponseEntity;

/** The response bodies of the storefront API, and the one way they are built. */
final class Responses {

    static final String MODEL_VERSION_HEADER = "X-Model-Version";

    private Responses() {
    }

    /** One recommended item as the storefront shows it. */
    record Item(String itemId, float score, String name, String category, String brand) {
    }

    /** {@code GET /recommendations/{userId}} and {@code POST /recommendations}. */
    record Recommendations(String userId, String modelVersion, String source, List<Item> items) {
    }

    /** {@code GET /similar/{itemId}}. */
    record Similar(String itemId, String modelVersion, String source, List<Item> items) {
    }

    static List<Item> items(Storefront.Answer a) {
        return a.items().stream().map(i -> new Item(i.itemId(), i.score(), i.info().name(), i.info().category(),
                i.info().brand())).toList();
    }

    static <T> ResponseEntity<T> ok(Storefront.Answer a, T body) {
        return ResponseEntity.ok().header(MODEL_VERSION_HEADER, a.modelVersion()).body(body);
    }

    /** Counts an answer by endpoint and source ({@code partrec_answers_total}). */
    static void count(MeterRegistry registry, String endpoint, Storefront.Answer a) {
        registry.counter("partrec.answers", "endpoint", endpoint, "source", a.source().label()).increment();
    }

    /** The snapshot this request will use from start to end. */
    static Snapshot snapshot(ServingModel serving) {
        return serving.current().orElseThrow(Problems.ModelUnavailable::new);
    }
}
