package org.partrec.serve;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one reference through which requests see a model: the current snapshot and the one before
 * it, swapped together as one immutable pair, so a swap (forward, or back to the previous one) is a
 * single atomic step and a request that has read {@link #current()} keeps using that snapshot to
 * the end. Which model the fleet serves is the model store's to say; see {@code app.StoreFollower}.
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

    /** Makes {@code next} current; the current one becomes the previous. */
    public void publish(Snapshot next) {
        state.updateAndGet(p -> new Pair(next, p.current()));
        notify(next);
    }

    /**
     * Makes {@code next} current, as {@link #publish} does, but only while {@code expected} is
     * current (the same snapshot; null for none yet): a model read from the store in the background
     * never replaces one published while it was read. {@code next} may be the previous snapshot
     * (a swap back, at once).
     *
     * @return whether {@code next} is now current
     */
    public boolean replace(Snapshot expected, Snapshot next) {
        return swap(expected, next, false);
    }

    /**
     * Puts {@code ranked}, the same model as {@code served} with its lists ranked ahead
     * ({@link Snapshot#rankAhead}), in its place, while {@code served} is current; the previous
     * snapshot stays what it was. A model that serves at once and gets cheaper a few seconds later.
     *
     * @return whether {@code ranked} is now current
     */
    public boolean upgrade(Snapshot served, Snapshot ranked) {
        if (served == null || !served.version().equals(ranked.version())) {
            throw new IllegalArgumentException("an upgrade keeps the version: " + ranked.version() + " for "
                    + (served == null ? "nothing" : served.version()));
        }
        return served == ranked ? state.get().current() == served : swap(served, ranked, true);
    }

    private boolean swap(Snapshot expected, Snapshot next, boolean keepPrevious) {
        while (true) {
            Pair p = state.get();
            if (p.current() != expected) {
                return false;
            }
            if (state.compareAndSet(p, new Pair(next, keepPrevious ? p.previous() : p.current()))) {
                notify(next);
                return true;
            }
        }
    }
}
