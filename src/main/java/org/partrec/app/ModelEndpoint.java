package org.partrec.app;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.partrec.publish.ModelStore;
import org.partrec.serve.ServingModel;
import org.partrec.serve.Snapshot;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.lang.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.util.MimeType;

/**
 * Ops, on any replica (the management Service picks one; every one answers alike):
 * <ul>
 * <li>{@code GET /actuator/model}: the snapshot this replica serves (version, source, created,
 * age, users, items, metrics) and the previous one, and what the model store says the fleet serves
 * ({@code store.latest}, {@code store.retired}, {@code store.pollSeconds}); 503 before the first
 * snapshot.
 * <li>{@code DELETE /actuator/model}: rolls the fleet back. The version the store names is retired
 * and {@code LATEST} moves back to the newest earlier version ({@link ModelStore#rollback});
 * this replica serves it at once, every other one within its poll interval, and none serves the
 * retired version again; a later training run promotes a new version as usual. The answer names
 * the version the fleet now serves ({@code version}) and the one retired ({@code rolledBack}).
 * {@code ?version=V}: only while the fleet serves V, so a call retried never rolls back twice. 409
 * ({@code application/problem+json}) when there is nothing to roll back to (nothing promoted, or
 * no earlier version that is not retired and verifies) or the fleet serves another version than
 * {@code version}: nothing is changed. 503 when the store fails.
 * </ul>
 */
@Component
@Endpoint(id = "model")
class ModelEndpoint {

    private static final MimeType PROBLEM = MimeType.valueOf("application/problem+json");

    private final ServingModel serving;
    private final ModelStore store;
    private final StoreFollower follower;
    private final long pollSeconds;

    ModelEndpoint(ServingModel serving, ModelStore store, StoreFollower follower, PartrecProperties properties) {
        this.serving = serving;
        this.store = store;
        this.follower = follower;
        this.pollSeconds = properties.models().pollEvery().toSeconds();
    }

    @ReadOperation
    WebEndpointResponse<Map<String, Object>> model() {
        Map<String, Object> body = new LinkedHashMap<>();
        Snapshot current = serving.current().orElse(null);
        if (current == null) {
            body.put("detail", "no model loaded yet");
            return new WebEndpointResponse<>(body, 503);
        }
        body.put("serving", describe(current));
        body.put("previous", serving.previous().map(ModelEndpoint::describe).orElse(null));
        Map<String, Object> fleet = new LinkedHashMap<>();
        try {
            fleet.put("latest", store.latest().orElse(null));
            fleet.put("retired", store.retired());
        } catch (IOException e) {
            fleet.put("detail", "the model store could not be read: " + e.getMessage());
        }
        fleet.put("pollSeconds", pollSeconds);
        body.put("store", fleet);
        return new WebEndpointResponse<>(body, 200);
    }

    /** @param version the version to roll back, or null for the one the fleet serves */
    @DeleteOperation
    WebEndpointResponse<Map<String, Object>> rollback(@Nullable String version) {
        Optional<ModelStore.Rollback> done;
        try {
            done = store.rollback(version);
        } catch (IOException e) {
            return problem(503, "Service Unavailable", "the model store failed during the rollback: " + e.getMessage()
                    + "; GET /actuator/model shows what it names now");
        }
        if (done.isEmpty()) {
            return problem(409, "Conflict", whyNot(version) + "; nothing was changed");
        }
        follower.follow();
        ModelStore.Rollback r = done.get();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", r.latest());
        body.put("rolledBack", r.retired());
        body.put("pollSeconds", pollSeconds);
        body.put("detail", "the fleet now serves " + r.latest() + ": the model store names it again and lists "
                + r.retired() + " as retired, never to be served again; every replica follows within its poll"
                + " interval (" + pollSeconds + " s)");
        body.put("serving", serving.current().map(ModelEndpoint::describe).orElse(null));
        return new WebEndpointResponse<>(body, 200);
    }

    private String whyNot(String version) {
        try {
            String latest = store.latest().orElse(null);
            if (latest == null) {
                return "nothing to roll back to: the model store holds no promoted model";
            }
            if (version != null && !version.equals(latest)) {
                return "the fleet serves " + latest + ", not " + version + " (rolled back already?)";
            }
            return "nothing to roll back to: the model store holds no version before " + latest
                    + " that was not rolled back and verifies";
        } catch (IOException e) {
            return "nothing to roll back to";
        }
    }

    static WebEndpointResponse<Map<String, Object>> problem(int status, String title, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        return new WebEndpointResponse<>(body, status, PROBLEM);
    }

    static Map<String, Object> describe(Snapshot s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", s.version());
        m.put("source", s.hasModel() ? "model" : "popular");
        m.put("createdAt", s.createdAt().toString());
        m.put("ageSeconds", Duration.between(s.createdAt(), Instant.now()).toSeconds());
        m.put("users", s.users().size());
        m.put("items", s.items().size());
        m.put("metrics", s.metrics());
        if (s.hasModel()) { // what is answered from lists ranked ahead, without a search
            m.put("rankedAhead", Map.of("perUser", s.userListLength(), "perItem", s.similarListLength()));
        }
        return m;
    }
}
