package org.partrec.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.partrec.pipeline.RunRecord;

/** Run records through {@code load/merge_training_run.sql} and back, on the embedded warehouse. */
class DuckDbRunLogTest {

    static RunRecord.View view(String id, RunRecord.Status status, Instant started, Map<String, Object> export) {
        return new RunRecord.View(id, "schedule", status, null, started, started.plusSeconds(12),
                List.of(new RunRecord.Step("extract", started, 1.5, Map.of("events", 600000)),
                        new RunRecord.Step("end", started.plusSeconds(10), null, Map.of("interrupted", true))),
                Map.of("factors", 64, "weighting", "log1p"), Map.of("ndcg@10", 0.179), List.of("ndcg@10 0.01 is below"),
                status == RunRecord.Status.PROMOTED ? id : null, Map.of("users", 30000), "file:/models/" + id,
                export);
    }

    @Test
    void aRunWrittenTwiceIsOneRowWithTheLatestContentAndReadsBackWhole() {
        try (DuckDbWarehouse w = DuckDbWarehouse.open(null, "partrec", WarehouseTables.DEFAULT)) {
            Instant t = Instant.parse("2026-11-27T10:00:00Z");
            w.save(view("r1", RunRecord.Status.PROMOTED, t, Map.of("status", "running")));
            w.save(view("r2", RunRecord.Status.REJECTED, t.plusSeconds(3600), Map.of()));
            RunRecord.View exported = view("r1", RunRecord.Status.PROMOTED, t, Map.of("status", "exported",
                    "user_rows", 300000));
            w.save(exported);
            assertThat(w.query("SELECT count(*) FROM partrec.training_runs").get(0)[0]).isEqualTo(2L);
            List<RunRecord.View> recent = w.recent(10);
            assertThat(recent).extracting(RunRecord.View::id).containsExactly("r2", "r1");
            RunRecord.View back = recent.get(1);
            assertThat(back.export()).containsEntry("status", "exported").containsEntry("user_rows", 300000);
            assertThat(back.startedAt()).isEqualTo(t);
            assertThat(back.endedAt()).isEqualTo(t.plusSeconds(12));
            assertThat(back.steps()).isEqualTo(exported.steps());
            assertThat(back.parameters()).isEqualTo(exported.parameters());
            assertThat(back.metrics()).isEqualTo(exported.metrics());
            assertThat(back.reasons()).isEqualTo(exported.reasons());
            assertThat(back.artifact()).isEqualTo("file:/models/r1");
            assertThat(back.modelVersion()).isEqualTo("r1");
            assertThat(recent.get(0).modelVersion()).isNull();
            assertThat(w.recent(1)).hasSize(1);
        }
    }
}
