package org.partrec.extract;

import java.time.Duration;
import java.time.Instant;

/** The time window of a training run's data: events at {@code since} or later and before {@code until}. */
public record Window(Instant since, Instant until) {

    public Window {
        if (!since.isBefore(until)) {
            throw new IllegalArgumentException("an empty window: " + since + " is not before " + until);
        }
    }

    /** The {@code length} before {@code until}. */
    public static Window ending(Instant until, Duration length) {
        return new Window(until.minus(length), until);
    }
}
