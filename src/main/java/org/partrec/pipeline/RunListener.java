package org.partrec.pipeline;

import org.partrec.serve.Snapshot;

/** Hears what training runs do (metrics, the batch export). Called on the run's thread. */
public interface RunListener {

    RunListener NONE = new RunListener() {
    };

    /** A step finished after {@code seconds}. */
    default void stepFinished(String step, double seconds) {
    }

    /** A run ended with {@code status}. */
    default void runEnded(RunRecord.Status status) {
    }

    /** A run's model now serves as {@code snapshot}; called after the run ended. */
    default void promoted(RunRecord run, Snapshot snapshot) {
    }

    /** Every one of {@code listeners}, in order. */
    static RunListener all(RunListener... listeners) {
        return new RunListener() {
            @Override
            public void stepFinished(String step, double seconds) {
                for (RunListener l : listeners) {
                    l.stepFinished(step, seconds);
                }
            }

            @Override
            public void runEnded(RunRecord.Status status) {
                for (RunListener l : listeners) {
                    l.runEnded(status);
                }
            }

            @Override
            public void promoted(RunRecord run, Snapshot snapshot) {
                for (RunListener l : listeners) {
                    l.promoted(run, snapshot);
                }
            }
        };
    }
}
