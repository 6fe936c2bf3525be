package org.partrec.app;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.time.Duration;
import java.time.Instant;
import org.partrec.evaluate.Metrics;
import org.partrec.serve.ServingModel;
import org.partrec.serve.Snapshot;
import org.springframework.stereotype.Component;

/**
 * Gauges on the serving model for Prometheus: its version (as a label of
 * {@code partrec_model_info}), its age in seconds, whether a trained model (not the popularity
 * list) is serving, its item count and its holdout metrics.
 */
@Component
class ServiceMetrics {

    ServiceMetrics(MeterRegistry registry, ServingModel serving) {
        Gauge.builder("partrec.model.age", serving, s -> s.current()
                .map(x -> (double) Duration.between(x.createdAt(), Instant.now()).toSeconds()).orElse(Double.NaN))
                .baseUnit("seconds").description("age of the serving snapshot").register(registry);
        Gauge.builder("partrec.model.trained", serving, s -> s.current().map(x -> x.hasModel() ? 1.0 : 0.0).orElse(0.0))
                .description("1 when a trained model serves, 0 for the popularity list").register(registry);
        Gauge.builder("partrec.model.items", serving, s -> s.current().map(x -> (double) x.items().size())
                .orElse(0.0)).description("items in the serving index").register(registry);
        // partrec_model_info{version="..."} 1: the serving version as a label, replaced on each swap
        MultiGauge info = MultiGauge.builder("partrec.model.info").description("the serving model's version")
                .register(registry);
        serving.addListener(s -> info.register(List.of(MultiGauge.Row.of(Tags.of("version", s.version(),
                "source", s.hasModel() ? "model" : "popular"), 1)), true));
        // partrec_ranked_ahead_total{list="user|item",answered="ahead|search"}: how often the lists ranked
        // ahead answer, and how often a filter they cannot fill (or a request for purchases) goes to the index
        for (org.partrec.serve.Storefront.Ahead kind : org.partrec.serve.Storefront.Ahead.values()) {
            String list = kind.name().toLowerCase(java.util.Locale.ROOT);
            io.micrometer.core.instrument.FunctionCounter.builder("partrec.ranked.ahead", kind,
                    org.partrec.serve.Storefront::answeredAhead).tags("list", list, "answered", "ahead")
                    .description("model answers given from a list ranked ahead, or searched in the index").register(registry);
            io.micrometer.core.instrument.FunctionCounter.builder("partrec.ranked.ahead", kind,
                    org.partrec.serve.Storefront::searched).tags("list", list, "answered", "search")
                    .description("model answers given from a list ranked ahead, or searched in the index").register(registry);
        }
        for (String name : new String[] {"ndcg", "precision", "popular_ndcg", "hnsw_recall", "similar_recall"}) {
            String metric = Metrics.key(name, PartrecConfiguration.K);
            Gauge.builder("partrec.model.metric", serving, s -> s.current().map(Snapshot::metrics)
                    .map(m -> m.getOrDefault(metric, Double.NaN)).orElse(Double.NaN))
                    .tag("metric", metric).description("holdout metric of the serving model").register(registry);
        }
    }
}
