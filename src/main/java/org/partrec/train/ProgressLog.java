package org.partrec.train;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Locale;

/** Logs each iteration of a fit: i of n, elapsed, ETA and, when asked for, the training loss. */
public final class ProgressLog implements TrainingListener {

    private static final Logger LOG = System.getLogger(ProgressLog.class.getName());

    private final String label;
    private final boolean loss;

    /**
     * @param label what is being fitted, for the log line
     * @param loss  whether to compute and log the training loss (one extra pass per iteration)
     */
    public ProgressLog(String label, boolean loss) {
        this.label = label;
        this.loss = loss;
    }

    @Override
    public boolean wantsLoss() {
        return loss;
    }

    @Override
    public void iterationDone(int iteration, int iterations, long elapsedNanos, double value) {
        double elapsed = elapsedNanos / 1e9;
        double eta = elapsed / iteration * (iterations - iteration);
        String line = String.format(Locale.ROOT, "%s: iteration %d of %d, elapsed %.2f s, ETA %.2f s%s",
                label, iteration, iterations, elapsed, eta,
                Double.isNaN(value) ? "" : String.format(Locale.ROOT, ", loss %.6f", value));
        LOG.log(Level.INFO, line);
    }
}
