package org.partrec.app;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.partrec.serve.ServingModel;
import org.partrec.serve.Snapshot;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.stereotype.Component;

/**
 * Ops: {@code GET /actuator/model} describes the serving snapshot (version, created, age, metrics,
 * users, items) and the previous one; {@code DELETE /actuator/model} rolls back to the previous
 * snapshot (409 when there is none).
 */
@Component
@Endpoint(id = "model")
class ModelEndpoint {

    private final ServingModel serving;

    ModelEndpoint(ServingModel serving) {
        this.serving = serving;
    }

    @ReadOperation
    WebEndpointResponse<Map<String, Object>> model() {
        Map<String, Object> body = new LinkedHashMap<>();
        Snapshot current = serving.current().orElse(null);
        if (current == null) {
            body.put("detail", "no model loaded yet");
            return new WebEndpointResponse<>(body, 503);
        }
        body.put("serving", describe(current));
        body.put("previous", serving.previous().map(ModelEndpoint::describe).orElse(null));
        return new WebEndpointResponse<>(body, 200);
    }

    @DeleteOperation
    WebEndpointResponse<Map<String, Object>> rollback() {
        Map<String, Object> body = new LinkedHashMap<>();
        Snapshot now = serving.rollback().orElse(null);
        if (now == null) {
            body.put("detail", "no previous model to roll back to");
            return new WebEndpointResponse<>(body, 409);
        }
        body.put("serving", describe(now));
        return new WebEndpointResponse<>(body, 200);
    }

    static Map<String, Object> describe(Snapshot s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", s.version());
        m.put("source", s.hasModel() ? "model" : "popular");
        m.put("createdAt", s.createdAt().toString());
        m.put("ageSeconds", Duration.between(s.createdAt(), Instant.now()).toSeconds());
        m.put("users", s.users().size());
        m.put("items", s.items().size());
        m.put("metrics", s.metrics());
        return m;
    }
}
