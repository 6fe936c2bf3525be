package org.partrec.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.partrec.extract.Window;
import org.partrec.publish.TrainerLease;
import org.partrec.train.AlsParams;

/**
 * start: why the run runs, the window of events it reads and the parameters it begins with; and
 * the model store's training lease, taken here (a run refused it fails in this step, before it
 * reads anything).
 */
final class StartStep {

    /**
     * @param window the events the run reads: {@code settings.window()} back from its start
     * @param params the configured parameters (the train step may replace them with the search's)
     */
    record Started(String trigger, Window window, AlsParams params, TrainerLease.Held lease)
            implements StepOutput {
        @Override
        public Map<String, Object> details() {
            return lease == null ? Map.of("trigger", trigger) : Map.of("trigger", trigger, "lease", lease.holder());
        }
    }

    private StartStep() {
    }

    /** @param lease the store's lease, or null where there is no store */
    static Started run(String trigger, Instant startedAt, Duration window, AlsParams params, TrainerLease lease) {
        return new Started(trigger, Window.ending(startedAt, window), params, lease == null ? null : lease.acquire());
    }
}
