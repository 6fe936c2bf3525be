package org.partrec.extract;

import java.util.function.Consumer;

/**
 * Where interactions come from (the warehouse), in the pipeline's two steps: extract stages the
 * raw events of a time window, transform turns the staged events into the rows the trainer reads.
 */
public interface InteractionSource {

    /** The extract step: stages the events of {@code window}; returns how many were staged. */
    long extract(Window window);

    /**
     * The transform step: streams the staged events as training rows, one per (user, item), in
     * no particular order; returns how many were streamed.
     */
    long transform(Window window, TransformRules rules, Consumer<TrainingRow> sink);
}
