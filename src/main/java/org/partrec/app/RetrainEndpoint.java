package org.partrec.app;

import java.util.LinkedHashMap;
import java.util.Map;
import org.partrec.publish.TrainingPipeline;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
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

    RetrainEndpoint(TrainingPipeline pipeline) {
        this.pipeline = pipeline;
    }

    @ReadOperation
    Map<String, Object> runs() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("current", pipeline.current().orElse(null));
        out.put("recent", pipeline.recent());
        return out;
    }

    @WriteOperation
    Map<String, Object> start() {
        String id = pipeline.trigger("ops");
        return Map.of("runId", id, "status", "running");
    }
}
