package org.partrec.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.partrec.PartrecApplication;
import org.partrec.pipeline.RunRecord;
import org.partrec.pipeline.TrainingPipeline;
import org.partrec.serve.ServingModel;
import org.partrec.serve.Snapshot;
import org.partrec.warehouse.DuckDbWarehouse;
import org.partrec.warehouse.WarehouseTables;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The service stops in order ({@link ShutdownSequence}): HTTP drains, so a request that is still
 * arriving when the service is told to stop is read to its end and answered in full; then the
 * training run and the export end, and only then does the warehouse close, so an export caught by
 * the shutdown is in the output tables in full or not at all, and recorded either way; the next
 * start completes one that was stopped.
 */
@ExtendWith(OutputCaptureExtension.class)
class ShutdownTest {

    @Test
    void trainingAndExportStopOnlyAfterTheWebServerHasDrainedAndStopped() {
        // Spring stops the highest phase first; Boot stops the web server one phase (1024) below graceful shutdown
        assertThat(ShutdownSequence.PHASE).isLessThan(WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE - 1024);
        assertThat(ShutdownSequence.PHASE).as("after the schedule, which starts no more runs")
                .isLessThan(SmartLifecycle.DEFAULT_PHASE);
    }

    @Test
    void stoppingDuringAnExportLeavesAllOfItOrNoneAndTheNextStartCompletesIt(@TempDir Path dir,
                                                                                 CapturedOutput output)
            throws Exception {
        Path warehouse = dir.resolve("w.duckdb");
        // as arguments: they override the configuration files, where properties() would only be defaults
        ConfigurableApplicationContext context = new SpringApplicationBuilder(PartrecApplication.class).run(
                "--server.port=0", "--management.server.port=0", "--partrec.warehouse.path=" + warehouse,
                "--partrec.models.path=" + dir.resolve("models"), "--partrec.demo.customers=4000",
                "--partrec.demo.parts=800", "--partrec.demo.events=40000", "--partrec.export.batch-size=100",
                "--logging.structured.format.console=");
        String exporting = null;
        try {
            TrainingPipeline pipeline = context.getBean(TrainingPipeline.class);
            long until = System.nanoTime() + 120_000_000_000L;
            while (exporting == null && System.nanoTime() < until) {
                exporting = pipeline.recent().stream().filter(r -> "running".equals(r.export().get("status")))
                        .map(RunRecord.View::id).findFirst().orElse(null);
                Thread.sleep(1);
            }
            assertThat(exporting).as("a promoted model's export, seen running").isNotNull();
        } finally {
            context.close(); // while the export runs
        }

        try (DuckDbWarehouse w = DuckDbWarehouse.open(warehouse, "partrec", WarehouseTables.DEFAULT)) {
            String id = exporting;
            RunRecord.View run = w.recent(10).stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
            Map<String, Object> export = run.export();
            assertThat(export.get("status")).as(export.toString()).isIn("exported", "stopped");
            long users = count(w, "user_recommendations", id);
            long items = count(w, "similar_items", id);
            if (export.get("status").equals("exported")) {
                assertThat(users).isEqualTo(((Number) export.get("user_rows")).longValue()).isPositive();
                assertThat(items).isEqualTo(((Number) export.get("item_rows")).longValue()).isPositive();
            } else {
                assertThat(users + items).as("a stopped export left nothing behind").isZero();
            }
        }
        boolean stopped = output.getAll().contains("export of run " + exporting + " stopped before merging");

        // the next start, on the same warehouse and store, serving the stored model without training:
        // an export the shutdown stopped is done again, and the record says exported either way
        context = new SpringApplicationBuilder(PartrecApplication.class).run(
                "--server.port=0", "--management.server.port=0", "--partrec.warehouse.path=" + warehouse,
                "--partrec.models.path=" + dir.resolve("models"), "--partrec.training.at-startup=false",
                "--logging.structured.format.console=");
        Snapshot served;
        try {
            String id = exporting;
            TrainingPipeline pipeline = context.getBean(TrainingPipeline.class);
            long until = System.nanoTime() + 120_000_000_000L;
            while (pipeline.recent().stream().noneMatch(r -> r.id().equals(id) && "exported".equals(r.export().get("status")))
                    && System.nanoTime() < until) {
                Thread.sleep(50);
            }
            served = context.getBean(ServingModel.class).current().orElseThrow();
            RunRecord.View run = pipeline.recent().stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
            assertThat(run.export()).containsEntry("status", "exported");
            assertThat(served.version()).isEqualTo(run.modelVersion());
            assertThat(context.getBean(MeterRegistry.class).get("partrec.export.last.success.timestamp").gauge().value())
                    .as("set by the export, or from the run log at start").isPositive();
            assertThat(output.getAll().contains("export of run " + id + " stopped at shutdown: exporting again"))
                    .as("done again only when stopped").isEqualTo(stopped);
        } finally {
            context.close();
        }
        try (DuckDbWarehouse w = DuckDbWarehouse.open(warehouse, "partrec", WarehouseTables.DEFAULT)) {
            String id = exporting;
            RunRecord.View run = w.recent(10).stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
            assertThat(run.export()).containsEntry("status", "exported");
            assertThat(w.recent(10).stream().filter(r -> r.id().equals(id))).as("one record, updated").hasSize(1);
            assertThat(((Number) w.query("SELECT count(DISTINCT user_id) FROM partrec.user_recommendations WHERE run_id = '"
                    + id + "' AND model_version = '" + served.version() + "'").get(0)[0]).longValue())
                    .as("the served version's lists of every user").isEqualTo(served.users().size());
        }

        List<String> problems = output.getAll().lines().map(l -> l.toLowerCase(Locale.ROOT))
                .filter(l -> l.contains("closed") || l.contains("a task of") || l.contains("did not end"))
                .toList();
        assertThat(problems).as("errors of the shutdown").isEmpty();
    }

    private static long count(DuckDbWarehouse w, String table, String runId) {
        return ((Number) w.query("SELECT count(*) FROM partrec." + table + " WHERE run_id = '" + runId + "'")
                .get(0)[0]).longValue();
    }

    @Test
    void aRequestInFlightWhenTheServiceStopsIsAnsweredInFull(@TempDir Path dir) throws Exception {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(PartrecApplication.class).run(
                "--server.port=0", "--management.server.port=0", "--partrec.warehouse.path=" + dir.resolve("w.duckdb"),
                "--partrec.models.path=" + dir.resolve("models"), "--partrec.demo.customers=1000",
                "--partrec.demo.parts=300", "--partrec.demo.events=20000", "--partrec.export.enabled=false",
                "--logging.structured.format.console=");
        boolean closed = false;
        try {
            int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
            ServingModel serving = context.getBean(ServingModel.class);
            long until = System.nanoTime() + 60_000_000_000L;
            while (serving.current().filter(Snapshot::hasModel).isEmpty() && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            String item = serving.current().orElseThrow().items().idOf(0);

            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(30_000);
                OutputStream out = socket.getOutputStream();
                String first = "{\"items\": [";
                String rest = "\"" + item + "\"]}";
                out.write(("POST /recommendations?limit=5 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + Integer.toHexString(first.length()) + "\r\n" + first + "\r\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                Thread.sleep(300); // the request is being read by the controller

                Thread closer = new Thread(context::close, "closer");
                closer.start();
                Thread.sleep(1_000); // the shutdown has begun and waits for the request
                assertThat(closer.isAlive()).as("the shutdown waits for the request in flight").isTrue();

                out.write((Integer.toHexString(rest.length()) + "\r\n" + rest + "\r\n0\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
                InputStream in = socket.getInputStream();
                String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertThat(response).startsWith("HTTP/1.1 200").contains("\"items\":[{\"itemId\":");
                closer.join(30_000);
                assertThat(closer.isAlive()).isFalse();
                closed = true;
            }
            assertThat(context.isActive()).isFalse();
        } finally {
            if (!closed) {
                context.close();
            }
        }
    }
}
