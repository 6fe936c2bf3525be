package org.partrec.app;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.partrec.serve.ServingModel;
import org.partrec.serve.Snapshot;
import org.springframework.stereotype.Component;

/**
 * Gauges on the serving model for Prometheus: its age in seconds, whether a trained model (not
 * the popularity list) is serving, its item count and its holdout metrics.
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
        for (String metric : new String[] {"ndcg@10", "precision@10", "popular_ndcg@10"}) {
            Gauge.builder("partrec.model.metric", serving, s -> s.current().map(Snapshot::metrics)
                    .map(m -> m.getOrDefault(metric, Double.NaN)).orElse(Double.NaN))
                    .tag("metric", metric).description("holdout metric of the serving model").register(registry);
        }
    }
}
