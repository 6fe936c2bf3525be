package org.partrec.serve;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.partrec.events.RecommendationId;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one reference through which requests see a model: the current snapshot and the one before
 * it, swapped together as one immutable pair, so a swap (forward, or back to the previous one) is a
 * single atomic step and a request that has read {@link #current()} keeps using that snapshot to
 * the end. Which model the fleet serves is the model store's to say; see {@code app.StoreFollower}.
 *
 * <p>During a champion/challenger {@link Experiment} the challenger's snapshot is held beside
 * them, in the same immutable state: {@link #assign} gives each customer the champion (the current
 * snapshot) or the challenger by the experiment's stable hash, from one read of the state, so a
 * request never mixes the two.
 */
public final class ServingModel {

    private record Pair(Snapshot current, Snapshot previous, Snapshot challenger, Experiment experiment) {
        Pair(Snapshot current, Snapshot previous) {
            this(current, previous, null, null);
        }

        /** The same experiment, the champion and the one before it changed. */
        Pair with(Snapshot current, Snapshot previous) {
            return new Pair(current, previous, challenger, experiment);
        }
    }

    /**
     * The snapshot that answers one customer, and the variant it is.
     *
     * @param snapshot   null before the first model
     * @param experiment whether a challenger is under test (the answer counts in its experiment)
     */
    public record Assignment(Snapshot snapshot, String variant, boolean experiment) {
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
        state.updateAndGet(p -> p.with(next, p.current()));
        notify(next);
    }

    /**
     * The snapshot that serves {@code userId}: the challenger for the experiment's share of
     * customers while one is under test, else the current one (the champion).
     */
    public Assignment assign(String userId) {
        Pair p = state.get();
        if (p.challenger() != null && p.experiment().challenger(userId)) {
            return new Assignment(p.challenger(), RecommendationId.CHALLENGER, true);
        }
        return new Assignment(p.current(), RecommendationId.CHAMPION, p.challenger() != null);
    }

    /** The challenger under test, if any. */
    public Optional<Snapshot> challenger() {
        return Optional.ofNullable(state.get().challenger());
    }

    /** The experiment under test, if any (set with its challenger). */
    public Optional<Experiment> experiment() {
        Pair p = state.get();
        return p.challenger() == null ? Optional.empty() : Optional.of(p.experiment());
    }

    /**
     * Puts {@code challenger} under test in {@code experiment} beside the current snapshot (which
     * stays the champion), in place of any challenger before it.
     */
    public void challenge(Experiment experiment, Snapshot challenger) {
        state.updateAndGet(p -> new Pair(p.current(), p.previous(), challenger, experiment));
    }

    /**
     * Puts {@code ranked} (the challenger with its lists ranked ahead) in place of {@code served}
     * while {@code served} is the challenger.
     *
     * @return whether {@code ranked} is now the challenger
     */
    public boolean upgradeChallenger(Snapshot served, Snapshot ranked) {
        while (true) {
            Pair p = state.get();
            if (p.challenger() != served || served == null) {
                return false;
            }
            if (state.compareAndSet(p, new Pair(p.current(), p.previous(), ranked, p.experiment()))) {
                return true;
            }
        }
    }

    /**
     * Ends the experiment: with {@code promote} the challenger becomes current (the champion the
     * previous), else it is dropped. Either way every customer is answered by the current snapshot
     * from then on.
     *
     * @return the challenger that was under test, if any
     */
    public Optional<Snapshot> endExperiment(boolean promote) {
        Pair p = state.getAndUpdate(q -> q.challenger() == null ? q
                : promote ? new Pair(q.challenger(), q.current()) : new Pair(q.current(), q.previous()));
        if (p.challenger() != null && promote) {
            notify(p.challenger());
        }
        return Optional.ofNullable(p.challenger());
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
            if (state.compareAndSet(p, p.with(next, keepPrevious ? p.previous() : p.current()))) {
                notify(next);
                return true;
            }
        }
    }
}
