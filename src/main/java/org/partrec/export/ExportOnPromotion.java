package org.partrec.export;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import org.partrec.pipeline.Background;
import org.partrec.pipeline.Failures;
import org.partrec.pipeline.RunListener;
import org.partrec.pipeline.RunLog;
import org.partrec.pipeline.RunRecord;
import org.partrec.pipeline.TrainingPipeline;
import org.partrec.serve.Snapshot;

/**
 * Starts the batch export of each promoted model on a thread of its own, so that neither
 * serving nor the next training run waits for it; its outcome goes into the run record, which
 * is then written to the run log again, and to {@code outcomes} (metrics). Whatever the thread
 * throws is logged and counted ({@link Background}).
 *
 * <p>{@link #close()} lets an export end before the warehouse it writes to closes: the export is
 * told to stop (it does so at its next batch while it has merged nothing, so the output tables
 * hold all of it or none), and is waited for; its outcome, {@code stopped} included, is recorded
 * in the run record and the run log.
 *
 * <p>An export that did not end in {@code exported} (stopped at shutdown, failed, or left
 * {@code running} by a process that died) is done again by the next process, once, when that
 * run's model is still the one serving ({@link #resume}). That is safe because an export is
 * idempotent per run id: each table's attempt first deletes the run's staged rows, and the MERGE
 * into the output table is keyed by (run, user or item, rank), so a repeat of the same snapshot
 * rewrites the same rows and adds none.
 */
public final class ExportOnPromotion implements RunListener, AutoCloseable {

    private static final Logger LOG = System.getLogger(ExportOnPromotion.class.getName());
    /** How long {@link #close()} waits for a running export before interrupting it, and again after. */
    static final Duration STOP_WAIT = Duration.ofSeconds(20);
    static final String THREAD = "batch-export";

    private final BatchExport export;
    private final RunLog runLog;
    private final Outcomes outcomes;
    private final Failures failures;
    private final Background worker;
    private volatile RunRecord exporting;

    /** Hears what exports do (metrics). */
    @FunctionalInterface
    public interface Outcomes {
        /** An export ended with {@code outcome}. */
        void exported(BatchExport.Outcome outcome);

        /** An export an earlier process did not finish is started again ({@link #resume}). */
        default void resumed() {
        }
    }

    public ExportOnPromotion(BatchExport export, RunLog runLog, Outcomes outcomes) {
        this(export, runLog, outcomes, Failures.NONE);
    }

    /** @param failures counts exports that failed to end or threw (a metric) */
    public ExportOnPromotion(BatchExport export, RunLog runLog, Outcomes outcomes, Failures failures) {
        this.export = export;
        this.runLog = runLog;
        this.outcomes = outcomes;
        this.failures = failures;
        this.worker = new Background(THREAD, failures);
    }

    @Override
    public void promoted(RunRecord run, Snapshot snapshot) {
        start(run, snapshot);
    }

    /**
     * Exports {@code serving} again for {@code run}, the newest promoted run of the run log, when
     * that run's model is the one serving and its export did not end in {@code exported}: stopped
     * at shutdown, failed, or {@code running} (or never recorded) because its process died. A
     * version that no longer serves is left alone: a later promotion exports its own.
     *
     * @return whether the export was started again
     */
    public boolean resume(RunRecord run, Snapshot serving) {
        RunRecord.View v = run.view();
        Object status = v.export().get("status");
        if (v.status() != RunRecord.Status.PROMOTED || !serving.hasModel()
                || !serving.version().equals(v.modelVersion()) || "exported".equals(status)) {
            return false;
        }
        String why = "stopped".equals(status) ? "stopped at shutdown"
                : "failed".equals(status) ? "failed"
                : "running".equals(status) ? "was left running by a process that ended"
                : "has no outcome: its process ended first";
        LOG.log(Level.INFO, "export of run " + run.id() + " " + why + ": exporting again (its model "
                + serving.version() + " serves)");
        outcomes.resumed();
        start(run, serving);
        return true;
    }

    private void start(RunRecord run, Snapshot snapshot) {
        run.export(Map.of("status", "running"));
        try {
            worker.submit(() -> exportAndRecord(run, snapshot));
        } catch (RejectedExecutionException e) { // closed: the service is shutting down
            record(run, ended(Map.of("status", "stopped", "error", "not started: the service is shutting down")));
        }
    }

    private void exportAndRecord(RunRecord run, Snapshot snapshot) {
        exporting = run;
        try {
            record(run, Map.of("status", "running")); // what the log keeps if this process dies now
            BatchExport.Outcome outcome = export.export(snapshot, run.id());
            outcomes.exported(outcome);
            record(run, ended(outcome.asMap()));
        } catch (RuntimeException | Error e) { // recorded here; logged and counted by the worker
            record(run, ended(Map.of("status", "failed", "error", String.valueOf(e))));
            throw e;
        } finally {
            exporting = null;
        }
    }

    /** The outcome with the time it ended ({@code ended_at}, ISO-8601). */
    private static Map<String, Object> ended(Map<String, Object> outcome) {
        Map<String, Object> m = new LinkedHashMap<>(outcome);
        m.put("ended_at", Instant.now().toString());
        return m;
    }

    private void record(RunRecord run, Map<String, Object> outcome) {
        run.export(outcome);
        try {
            runLog.save(run.view());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not write the record of run " + run.id() + ": " + e.getMessage());
            failures.failed(TrainingPipeline.RUN_LOG);
        }
    }

    /**
     * Stops: no export starts after this, a running one stops at its next batch (or, once it has
     * merged a table, finishes its attempt) and is waited for; one that does not end within
     * {@link #STOP_WAIT} is interrupted, and recorded as stopped.
     */
    @Override
    public void close() {
        if (worker.stopped()) { // closed by the shutdown sequence, then again as a bean: once is enough
            return;
        }
        export.stop();
        RunRecord running = exporting;
        if (!worker.stop(STOP_WAIT) && running != null) {
            LOG.log(Level.ERROR, "the export of run " + running.id() + " did not end, even interrupted");
            record(running, ended(Map.of("status", "stopped", "error", "did not end within " + STOP_WAIT
                    + " of the shutdown, nor after its interruption")));
        }
    }
}
