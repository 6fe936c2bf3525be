package org.partrec.pipeline;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one training run did: its steps with durations and counts, the parameters, the holdout
 * metrics, the gate's decision and the model version it published. Written by the run's thread,
 * read by anyone through {@link #view()}, which returns an immutable copy.
 */
public final class RunRecord {

    /** {@code CHALLENGER}: passed the gate during an experiment, and put under test beside the champion. */
    public enum Status { RUNNING, PROMOTED, REJECTED, FAILED, CHALLENGER }

    /** One finished (or running) step. */
    public record Step(String name, Instant startedAt, Double seconds, Map<String, Object> details) {
    }

    /** An immutable copy for readers. */
    public record View(String id, String trigger, Status status, String currentStep, Instant startedAt, Instant endedAt,
                       List<Step> steps, Map<String, Object> parameters, Map<String, Double> metrics,
                       List<String> reasons, String modelVersion, Map<String, Object> dataStats, String artifact,
                       Map<String, Object> export) {
    }

    private final String id;
    private final String trigger;
    private final Instant startedAt;
    private final List<Step> steps = new ArrayList<>();
    private final Map<String, Object> parameters = new LinkedHashMap<>();
    private final Map<String, Double> metrics = new LinkedHashMap<>();
    private final List<String> reasons = new ArrayList<>();
    private final Map<String, Object> dataStats = new LinkedHashMap<>();
    private final Map<String, Object> export = new LinkedHashMap<>();
    private String artifact;
    private Status status = Status.RUNNING;
    private String currentStep;
    private Instant currentStart;
    /** What the current step noted while it ran (a batch's id and state): part of its details when it ends. */
    private final Map<String, Object> notes = new LinkedHashMap<>();
    private Instant endedAt;
    private String modelVersion;

    RunRecord(String id, String trigger, Instant startedAt) {
        this.id = id;
        this.trigger = trigger;
        this.startedAt = startedAt;
    }

    /**
     * A record read back from the run log (an ended run of an earlier process), so that what
     * still follows it, its export done again, updates it as it would the run's own record.
     */
    public static RunRecord of(View v) {
        RunRecord r = new RunRecord(v.id(), v.trigger(), v.startedAt());
        r.steps.addAll(v.steps());
        r.parameters.putAll(v.parameters());
        r.metrics.putAll(v.metrics());
        r.reasons.addAll(v.reasons());
        r.dataStats.putAll(v.dataStats());
        r.export.putAll(v.export());
        r.artifact = v.artifact();
        r.status = v.status();
        r.endedAt = v.endedAt();
        r.modelVersion = v.modelVersion();
        return r;
    }

    public String id() {
        return id;
    }

    synchronized void begin(String step, Instant now) {
        currentStep = step;
        currentStart = now;
        notes.clear();
    }

    synchronized void finish(Map<String, Object> details, Instant now) {
        Map<String, Object> all = new LinkedHashMap<>(notes);
        all.putAll(details);
        steps.add(new Step(currentStep, currentStart, (now.toEpochMilli() - currentStart.toEpochMilli()) / 1000.0,
                Map.copyOf(all)));
        currentStep = null;
        notes.clear();
    }

    /**
     * Notes what the current step is doing (a Dataproc batch's id and state): kept in the step's
     * details when it finishes, and when the run ends in it (failed or stopped).
     */
    synchronized void note(String key, Object value) {
        notes.put(key, value);
    }

    synchronized void parameters(Map<String, Object> values) {
        parameters.putAll(values);
    }

    synchronized void dataStats(Map<String, Object> values) {
        dataStats.putAll(values);
    }

    synchronized void artifact(String location) {
        artifact = location;
    }

    /**
     * Records how the experiment that put this run's model under test ended (long after the run):
     * a step {@code experiment} from {@code startedAt} to {@code endedAt}, with the outcome and the
     * figures it was decided on; the run's status becomes {@code PROMOTED} when the challenger was.
     */
    public synchronized void experimentEnded(Map<String, Object> outcome, boolean promoted, Instant startedAt,
                                             Instant endedAt) {
        steps.removeIf(s -> s.name().equals("experiment"));
        steps.add(new Step("experiment", startedAt, (endedAt.toEpochMilli() - startedAt.toEpochMilli()) / 1000.0,
                java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outcome))));
        if (promoted && status == Status.CHALLENGER) {
            status = Status.PROMOTED;
        }
    }

    /** Records how the run's batch export went (it ends after the run). */
    public synchronized void export(Map<String, Object> outcome) {
        export.clear();
        export.putAll(outcome);
    }

    synchronized void metrics(Map<String, Double> values) {
        metrics.putAll(values);
    }

    synchronized void end(Status outcome, List<String> why, String version, Instant now) {
        status = outcome;
        reasons.addAll(why);
        modelVersion = version;
        endedAt = now;
        if (currentStep != null) {
            Map<String, Object> details = new LinkedHashMap<>(notes);
            details.put("interrupted", true);
            steps.add(new Step(currentStep, currentStart, null, java.util.Collections.unmodifiableMap(details)));
            currentStep = null;
            notes.clear();
        }
    }

    public synchronized Status status() {
        return status;
    }

    /**
     * An immutable copy. A step under way that has noted its progress (a Dataproc batch's state)
     * is listed last, with no seconds yet and its notes as details, so that the running run's
     * record ({@code GET /actuator/retrain}) shows where it is.
     */
    public synchronized View view() {
        List<Step> all = steps;
        if (currentStep != null && !notes.isEmpty()) {
            all = new ArrayList<>(steps);
            all.add(new Step(currentStep, currentStart, null, java.util.Collections.unmodifiableMap(
                    new LinkedHashMap<>(notes))));
        }
        return new View(id, trigger, status, currentStep, startedAt, endedAt, List.copyOf(all), Map.copyOf(parameters),
                Map.copyOf(metrics), List.copyOf(reasons), modelVersion,
                java.util.Collections.unmodifiableMap(new LinkedHashMap<>(dataStats)), artifact,
                java.util.Collections.unmodifiableMap(new LinkedHashMap<>(export)));
    }
}
