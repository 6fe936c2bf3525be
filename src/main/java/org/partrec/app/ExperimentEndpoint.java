package org.partrec.app;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.partrec.events.ExperimentTally;
import org.partrec.publish.InvalidArtifactException;
import org.partrec.publish.ModelStore;
import org.partrec.serve.Experiment;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.lang.Nullable;
import org.springframework.stereotype.Component;

/**
 * The champion/challenger experiment, on any replica (each answers for the fleet: the outcomes
 * are every process's tally in the model store):
 * <ul>
 * <li>{@code GET /actuator/experiment}: the experiment's id and share, each variant's model
 * version, share and attributed outcomes (answers, clicks, carts, conversions, conversion,
 * revenue), the difference in conversion (challenger minus champion) with its 95% interval, and
 * whether that decides it; {@code running: false} when no challenger is under test.
 * <li>{@code POST /actuator/experiment} with {@code {"action": "promote"}} or {@code "stop"}: ends
 * it in the model store, as a rollback is, so that every replica follows within its poll
 * interval: promoted, the challenger serves everyone; stopped, it is retired and never served
 * again. The outcome is kept in the challenger's run record. 409 when no challenger is under
 * test, 400 for another action, 503 when the store fails; always {@code application/problem+json}.
 * </ul>
 */
@Component
@Endpoint(id = "experiment")
class ExperimentEndpoint {

    private final ExperimentControl control;
    private final long pollSeconds;

    ExperimentEndpoint(ExperimentControl control, PartrecProperties properties) {
        this.control = control;
        this.pollSeconds = properties.models().pollEvery().toSeconds();
    }

    @ReadOperation
    WebEndpointResponse<Map<String, Object>> experiment() {
        Optional<Experiment> configured = control.experiment();
        Map<String, Object> body = new LinkedHashMap<>();
        if (configured.isEmpty()) {
            body.put("running", false);
            body.put("detail", "no experiment is configured (partrec.experiment.id is empty): a model that passes the"
                    + " gate replaces the serving one");
            return new WebEndpointResponse<>(body, 200);
        }
        Experiment e = configured.get();
        ExperimentControl.Status s;
        try {
            s = control.status();
        } catch (IOException ex) {
            return ModelEndpoint.problem(503, "Service Unavailable", "the model store could not be read: " + ex.getMessage());
        }
        body.put("id", e.id());
        body.put("running", s.challenger() != null);
        ExperimentTally.Comparison c = s.comparison();
        Map<String, Object> variants = new LinkedHashMap<>();
        variants.put("champion", variant(s.champion(), 1 - e.share(), s.outcomes().get("champion")));
        variants.put("challenger", variant(s.challenger(), e.share(), s.outcomes().get("challenger")));
        body.put("variants", variants);
        Map<String, Object> diff = new LinkedHashMap<>();
        diff.put("conversion", c.difference());
        diff.put("ci95", List.of(c.low(), c.high()));
        diff.put("decided", c.decided());
        diff.put("minAnswers", control.settings().minImpressions());
        body.put("difference", diff);
        body.put("autoDecide", control.settings().autoDecide());
        body.put("tallies", s.tallies());
        body.put("detail", detail(s));
        return new WebEndpointResponse<>(body, 200);
    }

    /** @param action {@code promote} or {@code stop} */
    @WriteOperation
    WebEndpointResponse<Map<String, Object>> end(@Nullable String action) {
        boolean promote;
        if ("promote".equals(action)) {
            promote = true;
        } else if ("stop".equals(action)) {
            promote = false;
        } else {
            return ModelEndpoint.problem(400, "Bad Request", "action must be \"promote\" or \"stop\", got "
                    + (action == null ? "none" : "\"" + action + "\"") + "; nothing was changed");
        }
        Optional<ModelStore.Ended> ended;
        try {
            ended = control.end(promote, "ops");
        } catch (InvalidArtifactException e) {
            return ModelEndpoint.problem(409, "Conflict", e.getMessage() + "; nothing was changed, stop the experiment instead");
        } catch (IOException e) {
            return ModelEndpoint.problem(503, "Service Unavailable", "the model store failed while the experiment ended: "
                    + e.getMessage() + "; GET /actuator/experiment shows what it holds now");
        }
        if (ended.isEmpty()) {
            return ModelEndpoint.problem(409, "Conflict", control.experiment().map(e -> "experiment " + e.id()
                    + " has no challenger under test (ended already, or no model has passed the gate since it began)")
                    .orElse("no experiment is configured (partrec.experiment.id is empty)") + "; nothing was changed");
        }
        ModelStore.Ended e = ended.get();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", e.experiment());
        body.put("outcome", promote ? "promoted" : "stopped");
        body.put("challenger", e.version());
        body.put("pollSeconds", pollSeconds);
        body.put("detail", promote
                ? "challenger " + e.version() + " is promoted: the model store names it, and every replica serves it to"
                        + " every customer within its poll interval (" + pollSeconds + " s)"
                : "challenger " + e.version() + " is stopped: retired in the model store, never served again; every"
                        + " replica serves the champion to every customer within its poll interval (" + pollSeconds
                        + " s)");
        return new WebEndpointResponse<>(body, 200);
    }

    private static Map<String, Object> variant(String version, double share, ExperimentTally.Outcomes o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("modelVersion", version);
        m.put("share", share);
        m.putAll(ExperimentControl.describe(o == null ? ExperimentTally.Outcomes.NONE : o));
        return m;
    }

    private String detail(ExperimentControl.Status s) {
        if (s.challenger() == null) {
            return "no challenger under test: the next model that passes the gate becomes the challenger";
        }
        ExperimentTally.Comparison c = s.comparison();
        if (!c.decided()) {
            return "undecided: each variant needs " + control.settings().minImpressions() + " answers and an interval"
                    + " that excludes 0";
        }
        return "decided: the challenger converts " + (c.challengerWins() ? "better" : "worse") + " than the champion"
                + (control.settings().autoDecide() ? "; auto-decide ends it at the next tally" : "; POST {\"action\": \""
                + (c.challengerWins() ? "promote" : "stop") + "\"} to end it");
    }
}
