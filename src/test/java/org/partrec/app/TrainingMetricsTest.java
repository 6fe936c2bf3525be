package org.partrec.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.partrec.export.BatchExport;
import org.partrec.pipeline.RunRecord;

/**
 * The export gauges as Prometheus scrapes them: {@code partrec_export_last_success_timestamp_seconds}
 * absent until an export is known to have succeeded, then its end in Unix seconds, from the run
 * log at start and from each successful export after.
 */
class TrainingMetricsTest {

    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final TrainingMetrics metrics = new TrainingMetrics(registry);

    static RunRecord.View run(String id, Instant ended, Map<String, Object> export) {
        return new RunRecord.View(id, "schedule", RunRecord.Status.PROMOTED, null, ended.minusSeconds(60), ended,
                List.of(), Map.of(), Map.of(), List.of(), id, Map.of(), null, export);
    }

    /** The sample line of {@code name}, or null. */
    String sample(String name) {
        return registry.scrape().lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .findFirst().orElse(null);
    }

    double lastSuccess() {
        String line = sample("partrec_export_last_success_timestamp_seconds");
        assertThat(line).as(registry.scrape()).isNotNull();
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }

    @Test
    void theGaugeIsAbsentUntilAnExportSucceededThenItsEndInUnixSeconds() {
        assertThat(sample("partrec_export_last_success_timestamp_seconds")).isNull();
        assertThat(sample("partrec_export_resumed_total")).endsWith(" 0.0");
        metrics.exported(new BatchExport.Outcome(false, 0, 0, 2, 1.0, "boom"));
        assertThat(sample("partrec_export_last_success_timestamp_seconds")).as("a failure sets nothing").isNull();

        long before = System.currentTimeMillis();
        metrics.exported(new BatchExport.Outcome(true, 10, 5, 0, 1.0, null));
        assertThat(lastSuccess() * 1000).isBetween(before - 1.0, System.currentTimeMillis() + 1.0);
        metrics.resumed();
        assertThat(sample("partrec_export_resumed_total")).endsWith(" 1.0");
    }

    @Test
    void atStartItIsTheNewestSuccessfulExportOfTheRunLog() {
        Instant t = Instant.parse("2026-11-27T00:00:00Z");
        metrics.restored(List.of(
                run("3", t.plusSeconds(7200), Map.of("status", "stopped")),
                run("2", t.plusSeconds(3600), Map.of("status", "exported", "seconds", 12.5,
                        "ended_at", t.plusSeconds(3613).toString())),
                run("1", t, Map.of("status", "exported", "ended_at", t.plusSeconds(10).toString()))));
        assertThat(lastSuccess()).isEqualTo(t.plusSeconds(3613).getEpochSecond());
    }

    @Test
    void aRecordWithoutItsEndTimeGivesTheRunsEndPlusTheExportsSeconds() {
        Instant t = Instant.parse("2026-11-27T00:00:00Z");
        metrics.restored(List.of(run("1", t, Map.of("status", "exported", "seconds", 12.5))));
        assertThat(lastSuccess()).isEqualTo(t.getEpochSecond() + 12.5);
    }

    @Test
    void aLaterValueIsNotReplacedByAnOlderOne() {
        metrics.exported(new BatchExport.Outcome(true, 10, 5, 0, 1.0, null));
        double now = lastSuccess();
        metrics.restored(List.of(run("1", Instant.parse("2020-01-01T00:00:00Z"), Map.of("status", "exported"))));
        assertThat(lastSuccess()).isEqualTo(now);
    }

    @Test
    void aLogWithoutASuccessfulExportLeavesItAbsent() {
        metrics.restored(List.of(run("1", Instant.parse("2026-11-27T00:00:00Z"), Map.of("status", "failed"))));
        assertThat(sample("partrec_export_last_success_timestamp_seconds")).isNull();
    }

    @Test
    void theKernelsTrainingRunsOnAreExportedOnceTheServiceIsReady() {
        assertThat(sample("partrec_training_kernels")).as("not before ready").isNull();
        metrics.kernels();
        String kernels = org.partrec.train.Kernels.best().label();
        assertThat(sample("partrec_training_kernels")).isEqualTo("partrec_training_kernels{kernels=\"" + kernels + "\"} 1.0");
    }
}
