package org.partrec.app;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.partrec.events.ExperimentTally;
import org.partrec.events.RecommendationId;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.partrec.pipeline.Failures;
import org.partrec.pipeline.RunRecord;
import org.partrec.pipeline.TrainingPipeline;
import org.partrec.publish.ModelStore;
import org.partrec.publish.ModelVersion;
import org.partrec.publish.TrainerLease;
import org.partrec.serve.Experiment;
import org.partrec.serve.ServingModel;
import org.partrec.serve.Snapshot;
import org.springframework.stereotype.Component;

/**
 * The champion/challenger experiment on this replica ({@code partrec.experiment}): its tally of
 * answers and attributed outcomes, written to the model store every {@code tally-every} so that
 * the fleet's outcomes are the sum of every process's tally; the comparison of the two variants;
 * the end of the experiment, asked by ops ({@code ExperimentEndpoint}) or decided here
 * ({@code auto-decide}), done in the model store so that every replica follows, and kept in the
 * record of the run whose model was the challenger.
 */
@Component
class ExperimentControl {

    private static final System.Logger LOG = System.getLogger(ExperimentControl.class.getName());

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The fleet's view of the experiment. */
    record Status(Experiment experiment, String champion, String challenger, Map<String, ExperimentTally.Outcomes> outcomes,
                  ExperimentTally.Comparison comparison, int tallies) {
    }

    private final PartrecProperties.Experiment settings;
    private final Experiment experiment;
    private final ModelStore store;
    private final ServingModel serving;
    private final StoreFollower follower;
    private final TrainingPipeline pipeline;
    private final Failures failures;
    private final ExperimentTally tally;
    private final boolean trains;
    private final String process = TrainerLease.thisProcess().replace('/', '-');

    ExperimentControl(PartrecProperties properties, ModelStore store, ServingModel serving, StoreFollower follower,
                      TrainingPipeline pipeline, Failures failures, ExperimentTally tally) {
        this.settings = properties.experiment();
        this.experiment = settings.running();
        this.store = store;
        this.serving = serving;
        this.follower = follower;
        this.pipeline = pipeline;
        this.failures = failures;
        this.tally = experiment == null ? null : tally;
        this.trains = properties.training().enabled();
    }

    /** The configured experiment, or empty. */
    Optional<Experiment> experiment() {
        return Optional.ofNullable(experiment);
    }

    PartrecProperties.Experiment settings() {
        return settings;
    }

    /** This process's tally to the store now (at shutdown: what it counted since the last tick is kept). */
    void writeTally() {
        if (experiment != null) {
            try {
                keepTally();
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "experiment " + experiment.id() + ": tally not written: "
                        + e.getMessage());
            }
        }
    }

    private void keepTally() throws IOException {
        store.writeTally(experiment.id(), process, tally.format());
    }

    /**
     * Every {@code tally-every}: this process's tally to the store; then, with {@code auto-decide},
     * the experiment ended once the fleet's figures decide it.
     */
    void tick() {
        if (experiment == null) {
            return;
        }
        try {
            keepTally();
            recordEnded();
            if (settings.autoDecide()) {
                Status s = status();
                if (s.challenger() != null && s.comparison().decided()) {
                    boolean promote = s.comparison().challengerWins();
                    end(promote, "auto-decide").ifPresent(e -> LOG.log(System.Logger.Level.WARNING, String.format(
                            Locale.ROOT, "experiment %s decided: challenger %s %s (conversion %.4f against %.4f, 95%%"
                                    + " interval of the difference %.4f to %.4f)", experiment.id(), e.version(),
                            promote ? "promoted" : "stopped", s.comparison().challenger(), s.comparison().champion(),
                            s.comparison().low(), s.comparison().high())));
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "experiment " + experiment.id() + ": " + e.getMessage());
            failures.failed("experiment");
        }
    }

    /** The fleet's outcomes (every process's tally in the store, this one's as it is now) and their comparison. */
    Status status() throws IOException {
        List<Map<String, ExperimentTally.Outcomes>> all = new ArrayList<>();
        all.add(tally.outcomes());
        store.tallies(experiment.id()).forEach((replica, text) -> {
            if (!replica.equals(ModelStore.replicaName(process))) { // this process's own: counted live above
                all.add(ExperimentTally.parse(text, experiment.id()));
            }
        });
        Map<String, ExperimentTally.Outcomes> sum = ExperimentTally.sum(all);
        ExperimentTally.Comparison c = ExperimentTally.Comparison.of(sum.get(RecommendationId.CHAMPION),
                sum.get(RecommendationId.CHALLENGER), settings.minImpressions());
        String champion = serving.current().filter(Snapshot::hasModel).map(Snapshot::version).orElse(null);
        String challenger = store.challenger().filter(x -> x.experiment().equals(experiment.id()))
                .map(ModelStore.Challenger::version).orElse(null);
        return new Status(experiment, champion, challenger, sum, c, all.size());
    }

    /**
     * Ends the experiment in the store (promoting the challenger, or retiring it), serves the
     * outcome here at once, and keeps it in the challenger's run record.
     *
     * @param by who decided: {@code ops} or {@code auto-decide}
     * @return how it ended, or empty when no challenger of this experiment is under test
     */
    synchronized Optional<ModelStore.Ended> end(boolean promote, String by) throws IOException {
        if (experiment == null) {
            return Optional.empty();
        }
        Status before = status();
        Instant started = serving.challenger().map(Snapshot::createdAt).orElse(null);
        Optional<ModelStore.Ended> ended = store.endExperiment(experiment.id(), promote);
        if (ended.isEmpty()) {
            return ended;
        }
        keepTally();
        Map<String, Object> outcome = new LinkedHashMap<>();
        outcome.put("experiment", experiment.id());
        outcome.put("outcome", promote ? "promoted" : "stopped");
        outcome.put("decidedBy", by);
        outcome.put("share", experiment.share());
        outcome.put("champion", before.champion());
        before.outcomes().forEach((v, o) -> outcome.put(v, describe(o)));
        ExperimentTally.Comparison c = before.comparison();
        outcome.put("conversionDifference", c.difference());
        outcome.put("ci95", List.of(c.low(), c.high()));
        if (started == null) {
            started = ModelVersion.parse(ended.get().version()).startedAt();
        }
        outcome.put("startedAt", started.toString());
        try {
            store.writeOutcome(experiment.id(), ended.get().version(), JSON.writeValueAsString(outcome));
        } catch (IOException | RuntimeException e) { // the end is done; only its record would be missing
            LOG.log(System.Logger.Level.WARNING, "experiment " + experiment.id() + " ended, its outcome not kept in the"
                    + " model store: " + e.getMessage());
        }
        follower.follow();
        recordEnded();
        return ended;
    }

    /**
     * On the replica that trains: keeps in the run record of each challenger this process trained
     * or read from the run log how its experiment ended, once the model store holds the outcome
     * (the end may have been asked of any replica).
     */
    void recordEnded() {
        if (!trains) {
            return;
        }
        for (RunRecord.View run : pipeline.recent()) {
            if (run.status() != RunRecord.Status.CHALLENGER || run.modelVersion() == null
                    || run.steps().stream().anyMatch(x -> x.name().equals("experiment"))) {
                continue;
            }
            try {
                String text = store.outcome(experiment.id(), run.modelVersion()).orElse(null);
                if (text == null) {
                    continue;
                }
                Map<String, Object> outcome = JSON.readValue(text, new TypeReference<LinkedHashMap<String, Object>>() {
                });
                boolean promoted = "promoted".equals(outcome.get("outcome"));
                if (promoted && !serving.current().map(x -> x.version().equals(run.modelVersion())).orElse(false)) {
                    continue; // recorded once it serves here, so that its export follows: at the next tick
                }
                Object startedAt = outcome.remove("startedAt");
                pipeline.experimentEnded(run.id(), outcome, promoted,
                        startedAt == null ? run.endedAt() : Instant.parse(startedAt.toString()));
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "the outcome of experiment " + experiment.id() + " for run "
                        + run.id() + " could not be read: " + e.getMessage());
            }
        }
    }

    static Map<String, Object> describe(ExperimentTally.Outcomes o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("answers", o.answers());
        m.put("clicks", o.clicks());
        m.put("carts", o.carts());
        m.put("conversions", o.conversions());
        m.put("conversion", o.conversion());
        m.put("revenue", Math.round(o.revenue() * 100) / 100.0);
        return m;
    }
}
