package org.partrec.app;

import org.partrec.serve.ServingModel;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/** Readiness: down until the first snapshot is published, then the serving version. */
@Component("model")
class ModelHealth implements HealthIndicator {

    private final ServingModel serving;

    ModelHealth(ServingModel serving) {
        this.serving = serving;
    }

    @Override
    public Health health() {
        return serving.current()
                .map(s -> Health.up().withDetail("version", s.version()).withDetail("source",
                        s.hasModel() ? "model" : "popular").build())
                .orElseGet(() -> Health.outOfService().withDetail("reason", "no model loaded yet").build());
    }
}
