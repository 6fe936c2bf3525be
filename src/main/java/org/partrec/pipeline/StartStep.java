package org.partrec.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.partrec.extract.Window;
import org.partrec.train.AlsParams;

/** start: why the run runs, the window of events it reads and the parameters it begins with. */
final class StartStep {

    /**
     * @param window the events the run reads: {@code settings.window()} back from its start
     * @param params the configured parameters (the train step may replace them with the search's)
     */
    record Started(String trigger, Window window, AlsParams params) implements StepOutput {
        @Override
        public Map<String, Object> details() {
            return Map.of("trigger", trigger);
        }
    }

    private StartStep() {
    }

    static Started run(String trigger, Instant startedAt, Duration window, AlsParams params) {
        return new Started(trigger, Window.ending(startedAt, window), params);
    }
}
