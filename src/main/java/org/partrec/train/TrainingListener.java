package org.partrec.train;

/** Hears about a fit's progress. Called on the thread that called {@code fit}. */
public interface TrainingListener {

    TrainingListener NONE = new TrainingListener() {
    };

    /** Whether the (costly: one extra pass over the data) training loss should be computed. */
    default boolean wantsLoss() {
        return false;
    }

    /**
     * After each full iteration.
     *
     * @param iteration    1-based number of the iteration just finished
     * @param iterations   total iterations of the fit
     * @param elapsedNanos wall time since the fit started
     * @param loss         the normalised training loss, or NaN when not requested
     */
    default void iterationDone(int iteration, int iterations, long elapsedNanos, double loss) {
    }
}
