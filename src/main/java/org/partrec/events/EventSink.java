package org.partrec.events;

import java.time.Instant;
import java.util.List;

/** Where posted events are kept: each event id once, whatever repeats it. */
public interface EventSink {

    /**
     * What a batch changed: events stored now, and repeats (an id already stored, or given twice
     * in the batch) that were not stored again. A sink that does not look up earlier batches
     * (BigQuery's streaming insert) counts only the ids given twice in the batch as repeats; the
     * extract then reads a repeat from an earlier batch once.
     */
    record Stored(int added, int repeated) {
    }

    /**
     * Stores the events whose ids are not stored yet, durably before it returns (an acknowledged
     * event survives the process being killed), each id counting once: stored once (the embedded
     * warehouse, all of a batch or none), or read once by the extract however often it is stored
     * (BigQuery).
     *
     * @param receivedAt when the service took the batch, kept beside each event
     */
    Stored store(List<Event> events, Instant receivedAt);

    /** The events could not be stored now (the warehouse cannot be reached or refused them); retry later. */
    final class Unavailable extends RuntimeException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
