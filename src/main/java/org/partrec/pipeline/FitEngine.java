package org.partrec.pipeline;

import org.partrec.extract.FitInput;
import org.partrec.extract.TransformRules;
import org.partrec.extract.Window;
import org.partrec.publish.ModelArtifact;
import org.partrec.train.AlsParams;

/**
 * A trainer outside this process that the train step hands its fits to
 * ({@code partrec.training.engine: spark}: Spark's ALS as a Dataproc Serverless batch, README
 * "engine: spark"). It has the warehouse write the fit's interactions where its job reads them,
 * runs the job, follows it, and returns the artifact the job wrote. The pipeline then checks that
 * artifact against its own training set ({@link EngineFit}) and goes on as after its own fit:
 * evaluation, the gate, the swap and the export do not know where the factors came from.
 */
public interface FitEngine {

    /**
     * One fit.
     *
     * @param runId  the run it belongs to
     * @param name   {@code fit} (the split's train part, evaluated) or {@code refit} (every pair,
     *               served): names the job's input, its output and its batch
     * @param part   which pairs it sees
     * @param params the ALS parameters, handed to the job as they are
     */
    record Request(String runId, String name, FitInput.Part part, Window window, TransformRules rules,
                   AlsParams params) {
    }

    /** Hears a fit's progress and says when to give it up. Called on the run's thread. */
    interface Watch {

        /** What the fit did or is doing ({@code batch}, {@code state}, ...): kept in the run record's step. */
        void note(String key, Object value);

        /** Whether the run is being stopped (the service shuts down): the engine then cancels its work and throws. */
        boolean stopping();
    }

    /** The engine's name in the run record ({@code spark}). */
    String name();

    /**
     * Runs one fit to its end.
     *
     * @return the artifact the job wrote: ids, factors and the interactions it was fitted on
     * @throws RuntimeException saying why, when the fit failed, was cancelled or timed out
     */
    ModelArtifact fit(Request request, Watch watch);
}
