package org.partrec.warehouse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.partrec.pipeline.RunRecord;

/**
 * A run record as a row of the {@code training_runs} table: plain columns for what one filters
 * on, JSON text for the nested parts (parameters, data statistics, steps, metrics, reasons,
 * export). One mapping for every warehouse.
 */
final class RunRows {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RunRows() {
    }

    /** The parameters of {@code load/merge_training_run.sql}. */
    static SqlParams params(RunRecord.View run, Instant now) {
        List<Map<String, Object>> steps = new ArrayList<>();
        for (RunRecord.Step s : run.steps()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.name());
            m.put("started_at", s.startedAt().toString());
            m.put("seconds", s.seconds());
            m.put("details", s.details());
            steps.add(m);
        }
        return new SqlParams().string("run_id", run.id()).string("trigger", run.trigger())
                .string("status", run.status().name().toLowerCase(java.util.Locale.ROOT))
                .timestamp("started_at", run.startedAt()).timestamp("ended_at", run.endedAt())
                .string("model_version", run.modelVersion()).string("artifact", run.artifact())
                .string("parameters", json(run.parameters())).string("data_stats", json(run.dataStats()))
                .string("steps", json(steps)).string("metrics", json(run.metrics()))
                .string("reasons", json(run.reasons())).string("export", json(run.export()))
                .timestamp("updated_at", now);
    }

    /** A record read back, from the columns of {@code load/recent_training_runs.sql}. */
    static RunRecord.View view(String id, String trigger, String status, Instant startedAt, Instant endedAt,
                               String modelVersion, String artifact, String parameters, String dataStats,
                               String steps, String metrics, String reasons, String export) {
        List<RunRecord.Step> stepList = new ArrayList<>();
        for (Map<String, Object> m : read(steps, new TypeReference<List<Map<String, Object>>>() { }, List.of())) {
            Object seconds = m.get("seconds");
            @SuppressWarnings("unchecked")
            Map<String, Object> details = (Map<String, Object>) m.getOrDefault("details", Map.of());
            stepList.add(new RunRecord.Step((String) m.get("name"), Instant.parse((String) m.get("started_at")),
                    seconds == null ? null : ((Number) seconds).doubleValue(), details));
        }
        return new RunRecord.View(id, trigger, RunRecord.Status.valueOf(status.toUpperCase(java.util.Locale.ROOT)), null,
                startedAt, endedAt, stepList, read(parameters, new TypeReference<>() { }, Map.of()),
                read(metrics, new TypeReference<Map<String, Double>>() { }, Map.of()),
                read(reasons, new TypeReference<List<String>>() { }, List.of()), modelVersion,
                read(dataStats, new TypeReference<>() { }, Map.of()), artifact,
                read(export, new TypeReference<>() { }, Map.of()));
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a run record that is not JSON: " + e.getMessage(), e);
        }
    }

    private static <T> T read(String text, TypeReference<T> type, T empty) {
        if (text == null || text.isEmpty()) {
            return empty;
        }
        try {
            return JSON.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a run record column that is not JSON: " + e.getMessage(), e);
        }
    }
}
