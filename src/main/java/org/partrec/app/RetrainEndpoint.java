package org.partrec.app;

import java.util.LinkedHashMap;
import java.util.Map;
import org.partrec.pipeline.TrainingPipeline;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.stereotype.Component;

/**
 * Ops: {@code POST /actuator/retrain} starts a training run (or returns the running one's id);
 * {@code GET /actuator/retrain} lists the current run with its step progress and the recent runs
 * with their steps, metrics and gate decisions.
 */
@Component
@Endpoint(id = "retrain")
class RetrainEndpoint {

    private final TrainingPipeline pipeline;
    private final boolean enabled;

    RetrainEndpoint(TrainingPipeline pipeline, PartrecProperties properties) {
        this.pipeline = pipeline;
        this.enabled = properties.training().enabled();
    }

    @ReadOperation
    Map<String, Object> runs() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("current", pipeline.current().orElse(null));
        out.put("recent", pipeline.recent());
        return out;
    }

    /** 409 on a replica whose training is switched off: the replica that trains must be asked. */
    @WriteOperation
    WebEndpointResponse<Map<String, Object>> start() {
        if (!enabled) {
            return new WebEndpointResponse<>(Map.of("status", 409, "detail", "training is switched off on this replica"
                    + " (partrec.training.enabled=false); start the run on the replica that trains"), 409);
        }
        String id = pipeline.trigger("ops");
        return new WebEndpointResponse<>(Map.of("runId", id, "status", "running"), 200);
    }
}
