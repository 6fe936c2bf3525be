package org.partrec.serve.web;

import org.partrec.events.EventBatch;

/**
 * The settings of {@code partrec.events} the API needs: whether posted events are stored, and the
 * limits a batch is checked against.
 */
public record EventLimits(boolean store, EventBatch.Limits batch) {
}
