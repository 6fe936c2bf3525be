package org.partrec.app;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.partrec.serve.Merchandising;
import org.partrec.serve.Rule;
import org.partrec.serve.RuleBook;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.stereotype.Component;

/**
 * The merchandising rules ({@link RuleBook}), on the management port behind the ops token:
 * <ul>
 * <li>{@code GET /actuator/rules}: where the rules come from ({@code source}: {@code file} or
 * {@code inline}, the file and how often it is looked at), when they were loaded, each rule as
 * configured with its {@code hits} since the process started (as
 * {@code partrec_rule_hits_total}), and the problems of a file refused since ({@code refused}).
 * <li>{@code POST /actuator/rules} (no body): reads the rules file now, and puts it in force when
 * it is good ({@code 200}, {@code changed} false when it is what is in force already). A bad file
 * is 400 {@code application/problem+json} naming the first bad key ({@code parameter}) and listing
 * every problem ({@code problems}); the rules before it stay in force. 409 when the rules are
 * inline (no file to read). This replica only: the others read the file within
 * {@code check-every}.
 * </ul>
 */
@Component
@Endpoint(id = "rules")
class RulesEndpoint {

    private final RulesFile source;
    private final Merchandising merchandising;

    RulesEndpoint(RulesFile source, Merchandising merchandising) {
        this.source = source;
        this.merchandising = merchandising;
    }

    @ReadOperation
    Map<String, Object> rules() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("source", source.file().isEmpty() ? "inline" : "file");
        if (!source.file().isEmpty()) {
            body.put("file", source.file());
            body.put("checkEverySeconds", source.checkEvery().toSeconds());
        }
        body.put("loadedAt", String.valueOf(source.loadedAt()));
        RuleBook book = merchandising.rules();
        long[] hits = book.hits();
        List<Map<String, Object>> rules = new ArrayList<>();
        for (int r = 0; r < book.rules().size(); r++) {
            Map<String, Object> m = describe(book.rules().get(r));
            m.put("hits", hits[r]);
            rules.add(m);
        }
        body.put("rules", rules);
        List<Rule.Problem> refused = source.lastProblems();
        if (!refused.isEmpty()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("at", String.valueOf(source.lastProblemAt()));
            r.put("problems", problems(refused));
            r.put("detail", "the file was refused; the rules above, loaded before it, are in force");
            body.put("refused", r);
        }
        return body;
    }

    @WriteOperation
    WebEndpointResponse<Map<String, Object>> reload() {
        RulesFile.Outcome o = source.reload();
        if (source.file().isEmpty()) {
            return ModelEndpoint.problem(409, "Conflict", o.problems().get(0).detail() + "; nothing was changed");
        }
        if (!o.problems().isEmpty()) {
            WebEndpointResponse<Map<String, Object>> p = ModelEndpoint.problem(400, "Bad Request",
                    o.problems().get(0) + (o.problems().size() > 1 ? " (and " + (o.problems().size() - 1) + " more)" : "")
                            + "; the rules before it stay in force");
            p.getBody().put("parameter", o.problems().get(0).key());
            p.getBody().put("problems", problems(o.problems()));
            return p;
        }
        Map<String, Object> body = rules();
        body.put("changed", o.changed());
        return new WebEndpointResponse<>(body, 200);
    }

    private static List<Map<String, String>> problems(List<Rule.Problem> problems) {
        return problems.stream().map(p -> Map.of("key", p.key(), "detail", p.detail())).toList();
    }

    /** A rule as configured: its set keys only, kebab-case as in the YAML. */
    static Map<String, Object> describe(Rule r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", r.name());
        m.put("action", r.kind().label());
        put(m, "items", r.items());
        put(m, "brand", r.brand());
        put(m, "category", r.category());
        put(m, "fitment", r.fitment());
        put(m, "in-stock", r.inStock());
        put(m, "min-margin", r.minMargin());
        put(m, "max-margin", r.maxMargin());
        put(m, "factor", r.factor());
        put(m, "share", r.share());
        put(m, "per", r.per());
        put(m, "max", r.max());
        return m;
    }

    private static void put(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
