package org.partrec.extract;

import java.util.function.Consumer;

/** Where interactions come from (the warehouse): streams every event of the extraction window. */
public interface InteractionSource {

    /** Streams the events; returns how many were streamed. */
    long extract(Consumer<Event> sink);
}
