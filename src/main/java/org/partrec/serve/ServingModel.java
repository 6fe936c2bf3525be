package org.partrec.serve;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one reference through which requests see a model: the current snapshot and the one before
 * it, swapped together as one immutable pair, so a swap or a rollback is a single atomic step and
 * a request that has read {@link #current()} keeps using that snapshot to the end.
 */
public final class ServingModel {

    private record Pair(Snapshot current, Snapshot previous) {
    }

    private final AtomicReference<Pair> state = new AtomicReference<>(new Pair(null, null));
    private final List<Consumer<Snapshot>> listeners = new CopyOnWriteArrayList<>();

    /** Calls {@code listener} with every snapshot that becomes current (after the swap). */
    public void addListener(Consumer<Snapshot> listener) {
        listeners.add(listener);
        current().ifPresent(listener);
    }

    /** Tells the listeners what serves now (read again, so racing swaps end on the latest). */
    private Snapshot notify(Snapshot swapped) {
        Snapshot now = state.get().current();
        for (Consumer<Snapshot> l : listeners) {
            l.accept(now);
        }
        return swapped;
    }

    /** The snapshot to serve from, or empty before the first one is published. */
    public Optional<Snapshot> current() {
        return Optional.ofNullable(state.get().current());
    }

    public Optional<Snapshot> previous() {
        return Optional.ofNullable(state.get().previous());
    }

    /** Makes {@code next} current; the current one becomes the rollback target. */
    public void publish(Snapshot next) {
        state.updateAndGet(p -> new Pair(next, p.current()));
        notify(next);
    }

    /**
     * Serves the previous snapshot again (and keeps the current one as the new previous, so a
     * second rollback undoes the first).
     *
     * @return the snapshot now current, or empty when there is nothing to roll back to
     */
    public Optional<Snapshot> rollback() {
        while (true) {
            Pair p = state.get();
            if (p.previous() == null) {
                return Optional.empty();
            }
            Pair swapped = new Pair(p.previous(), p.current());
            if (state.compareAndSet(p, swapped)) {
                return Optional.of(notify(swapped.current()));
            }
        }
    }
}
