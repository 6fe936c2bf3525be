package org.partrec.publish;

/** Hears what training runs do, for metrics. Called on the run's thread. */
public interface RunListener {

    RunListener NONE = new RunListener() {
    };

    /** A step finished after {@code seconds}. */
    default void stepFinished(String step, double seconds) {
    }

    /** A run ended with {@code status}. */
    default void runEnded(RunRecord.Status status) {
    }
}
