package org.partrec.app;

import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import org.partrec.pipeline.Failures;
import org.partrec.publish.ModelArtifact;
import org.partrec.publish.ModelStore;
import org.partrec.serve.Experiment;
import org.partrec.serve.ServingModel;
import org.partrec.serve.Snapshot;
import org.springframework.stereotype.Component;

/**
 * Makes this replica serve what the fleet serves: the version the model store's {@code LATEST}
 * names ({@link ModelStore#latest}), newer after a promotion, older after a rollback. Run at start
 * and every {@code partrec.models.poll-every} on every replica, and at once by a rollback.
 *
 * <p>A look that finds the serving version costs a read of {@code LATEST} and {@code RETIRED} and
 * a listing, no artifact. Otherwise the previous snapshot is swapped back at once when it is that
 * version, else the model is read from the store; it is swapped in only if nothing was published
 * while it was read (a training run's own promotion wins: it is what {@code LATEST} names). When
 * the store can only give an earlier version (the named one fails to verify), the same look is not
 * repeated at every poll: only a new {@code LATEST}, or a new serving snapshot, tries again.
 */
@Component
class StoreFollower {

    private static final System.Logger LOG = System.getLogger(StoreFollower.class.getName());

    private final ModelStore store;
    private final ServingModel serving;
    private final PartrecProperties properties;
    private final Failures failures;
    /** The latest version last read from the store, and the version serving after it (tried: not again). */
    private String triedLatest;
    private String triedServes;
    /** The challenger last read from the store (tried: not again). */
    private String triedChallenger;

    StoreFollower(ModelStore store, ServingModel serving, PartrecProperties properties, Failures failures) {
        this.failures = failures;
        this.store = store;
        this.serving = serving;
        this.properties = properties;
    }

    /**
     * Ranks the serving model's lists ahead, when they are not yet, and puts them in its place.
     * Outside the follower's lock: a rollback waits for no ranking (an upgrade of a model no
     * longer current is refused).
     */
    void rankAhead() {
        Snapshot served = serving.current().orElse(null);
        if (served == null || !served.hasModel() || served.isRankedAhead()) {
            return;
        }
        PartrecProperties.Serving s = properties.serving();
        serving.upgrade(served, served.rankAhead(PartrecConfiguration.rankAhead(s),
                PartrecConfiguration.threads(properties.training())));
    }

    /** Follows the store now; a failing store is logged (the next poll tries again). */
    void follow() {
        follow(true);
    }

    /**
     * Follows the store now, the lists of a model it swaps in ranked ahead after it serves, or,
     * without {@code rankAhead}, left for {@link #rankAhead()} (while the service starts, ranking
     * would take the cores Spring's start needs).
     */
    void follow(boolean rankAhead) {
        if (swapIn() && rankAhead) { // it serves now, every request ranked when it comes; the lists ranked ahead follow
            rankAhead();
        }
        followChallenger(rankAhead);
    }

    /**
     * Serves the store's challenger beside the champion while this replica's experiment
     * ({@code partrec.experiment.id}) names it; drops the one it serves when the experiment ended
     * without promoting it (a promoted one became current in {@link #swapIn}).
     */
    private synchronized void followChallenger(boolean rankAhead) {
        try {
            Experiment experiment = properties.experiment().running();
            Snapshot serves = serving.challenger().orElse(null);
            ModelStore.Challenger named = experiment == null ? null : store.challenger()
                    .filter(c -> c.experiment().equals(experiment.id())).orElse(null);
            if (named == null) {
                if (serves != null && serving.endExperiment(false).isPresent()) {
                    LOG.log(System.Logger.Level.INFO, "challenger " + serves.version() + " no longer served: the"
                            + " experiment ended without promoting it");
                }
                return;
            }
            if (serves != null && serves.version().equals(named.version()) || named.version().equals(triedChallenger)) {
                return;
            }
            triedChallenger = named.version(); // a challenger that fails to verify is not read again
            Optional<ModelArtifact> stored = store.loadChallenger();
            if (stored.isEmpty() || !stored.get().version().equals(named.version())) {
                return;
            }
            PartrecProperties.Serving s = properties.serving();
            int threads = PartrecConfiguration.threads(properties.training());
            Snapshot next = Snapshot.from(stored.get(), PartrecConfiguration.index(s), threads,
                    properties.complements().settings());
            serving.challenge(experiment, next);
            LOG.log(System.Logger.Level.INFO, String.format(Locale.ROOT, "serving challenger %s to %.1f%% of"
                    + " customers in experiment %s", next.version(), 100 * experiment.share(), experiment.id()));
            if (rankAhead) {
                serving.upgradeChallenger(next, next.rankAhead(PartrecConfiguration.rankAhead(s), threads));
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not follow the model store's challenger: " + e.getMessage());
            failures.failed("store-follower");
        }
    }

    /** Serves what the store names, unless it serves already; whether a model read from the store was swapped in. */
    private synchronized boolean swapIn() {
        long t0 = System.nanoTime();
        try {
            String latest = store.latest().orElse(null);
            Snapshot current = serving.current().orElse(null);
            String serves = current != null && current.hasModel() ? current.version() : null;
            Snapshot challenger = serving.challenger().orElse(null);
            if (latest != null && challenger != null && latest.equals(challenger.version())) {
                serving.endExperiment(true); // promoted in the store: the snapshot under test serves everyone
                LOG.log(System.Logger.Level.INFO, "serving challenger " + latest + " to every customer: the model"
                        + " store names it, the experiment promoted it");
                return false;
            }
            if (latest == null || latest.equals(serves)
                    || latest.equals(triedLatest) && java.util.Objects.equals(serves, triedServes)) {
                return false;
            }
            Snapshot previous = serving.previous().orElse(null);
            if (previous != null && previous.hasModel() && previous.version().equals(latest)
                    && serving.replace(current, previous)) {
                LOG.log(System.Logger.Level.INFO, "serving " + latest + " again, as the model store names it"
                        + " (it was the previous snapshot)");
                return false;
            }
            Optional<ModelArtifact> stored = store.loadLatest();
            triedLatest = latest;
            triedServes = serves;
            if (stored.isEmpty() || stored.get().version().equals(serves)) {
                return false;
            }
            ModelArtifact a = stored.get();
            PartrecProperties.Serving s = properties.serving();
            int threads = PartrecConfiguration.threads(properties.training());
            Snapshot next = Snapshot.from(a, PartrecConfiguration.index(s), threads, properties.complements().settings());
            if (!serving.replace(current, next)) {
                LOG.log(System.Logger.Level.INFO, "stored model " + a.version() + " not swapped in: "
                        + serving.current().map(Snapshot::version).orElse("another model") + " was published meanwhile");
                return false;
            }
            triedServes = a.version(); // an earlier version than latest when latest failed to verify: not read again
            LOG.log(System.Logger.Level.INFO, String.format(Locale.ROOT,
                    "serving stored model %s (%d users, %d items) after %.2f s", a.version(), a.users().size(),
                    a.items().size(), (System.nanoTime() - t0) / 1e9));
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not follow the model store: " + e.getMessage());
            failures.failed("store-follower");
            return false;
        }
    }
}
