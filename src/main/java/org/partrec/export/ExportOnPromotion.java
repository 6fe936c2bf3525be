package org.partrec.export;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.partrec.pipeline.RunListener;
import org.partrec.pipeline.RunLog;
import org.partrec.pipeline.RunRecord;
import org.partrec.serve.Snapshot;

/**
 * Starts the batch export of each promoted model on a thread of its own, so that neither
 * serving nor the next training run waits for it; its outcome goes into the run record, which
 * is then written to the run log again, and to {@code outcomes} (metrics).
 */
public final class ExportOnPromotion implements RunListener, AutoCloseable {

    private final BatchExport export;
    private final RunLog runLog;
    private final Consumer<BatchExport.Outcome> outcomes;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "batch-export");
        t.setDaemon(true);
        return t;
    });

    public ExportOnPromotion(BatchExport export, RunLog runLog, Consumer<BatchExport.Outcome> outcomes) {
        this.export = export;
        this.runLog = runLog;
        this.outcomes = outcomes;
    }

    @Override
    public void promoted(RunRecord run, Snapshot snapshot) {
        run.export(java.util.Map.of("status", "running"));
        worker.submit(() -> {
            BatchExport.Outcome outcome = export.export(snapshot, run.id());
            run.export(outcome.asMap());
            outcomes.accept(outcome);
            try {
                runLog.save(run.view());
            } catch (RuntimeException e) {
                System.getLogger(ExportOnPromotion.class.getName()).log(System.Logger.Level.WARNING,
                        "could not write the record of run " + run.id() + ": " + e.getMessage());
            }
        });
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
