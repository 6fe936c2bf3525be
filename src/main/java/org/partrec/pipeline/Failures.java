package org.partrec.pipeline;

/** Counts failures of background work (a metric); {@link Background} logs them first. */
@FunctionalInterface
public interface Failures {

    /** Counts nothing: failures are only logged. */
    Failures NONE = task -> {
    };

    /** One failure of {@code task} (the name of its thread, or what failed). */
    void failed(String task);
}
