package org.partrec.app;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.partrec.pipeline.Background;
import org.partrec.pipeline.Failures;
import org.partrec.serve.Merchandising;
import org.partrec.serve.Rule;
import org.partrec.serve.RuleBook;
import org.partrec.serve.ServingModel;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

/**
 * Where the merchandising rules come from, and their reload: the inline list
 * ({@code partrec.rules.list}), or the file {@code partrec.rules.file}, read at start-up (a bad
 * file stops it, naming the key), then again on {@code POST /actuator/rules} and whenever its
 * content changes (looked at every {@code check-every}). A file is bound exactly as the inline
 * list is (the same record, the same relaxed keys, an unknown key refused), and checked by
 * {@link RuleBook#check}; a bad one changes nothing: the rules before it stay in force, and the
 * problem is kept for {@code GET /actuator/rules} and counted
 * ({@code partrec_rules_reload_failures_total}). Each rule's hits are the counter
 * {@code partrec_rule_hits_total{rule, action}}.
 */
final class RulesFile implements DisposableBean {

    private static final System.Logger LOG = System.getLogger(RulesFile.class.getName());
    /** The key of the file's list, as its problems name it. */
    static final String KEY = "rules";

    /** What a load did. */
    record Outcome(boolean loaded, boolean changed, List<Rule.Problem> problems) {
    }

    private final RulesProperties settings;
    private final Merchandising merchandising;
    private final MeterRegistry registry;
    private final Counter failures;
    private final Background timer;
    private volatile byte[] lastRead;
    private volatile Instant loadedAt;
    private volatile List<Rule.Problem> lastProblems = List.of();
    private volatile Instant lastProblemAt;

    RulesFile(RulesProperties settings, Merchandising merchandising, MeterRegistry registry, ServingModel serving,
              Failures background) {
        this.settings = settings;
        this.merchandising = merchandising;
        this.registry = registry;
        this.failures = Counter.builder("partrec.rules.reload.failures")
                .description("rules files refused (the rules before them kept)").register(registry);
        Gauge.builder("partrec.rules.active", merchandising, m -> m.rules().rules().size())
                .description("merchandising rules in force").register(registry);
        if (settings.file().isEmpty()) {
            counters(merchandising.replace(settings.list(), "partrec.rules.list"));
        } else {
            Outcome first = reload();
            if (!first.problems().isEmpty()) {
                throw new RuleBook.InvalidRules(first.problems());
            }
        }
        loadedAt = Instant.now();
        serving.addListener(merchandising::warm);
        timer = settings.file().isEmpty() || settings.checkEvery().isZero() ? null
                : new Background("rules-file", background);
        if (timer != null) {
            long every = settings.checkEvery().toMillis();
            timer.scheduleAtFixedRate(this::check, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /** The periodic look: reloads when the content changed; never throws (a periodic task that throws ends). */
    private void check() {
        try {
            reload();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not check the rules file " + settings.file(), e);
        }
    }

    /**
     * Reads the file and, when its content differs from the last read, puts its rules in force;
     * a bad file leaves the rules as they are and its problems are returned (and kept).
     */
    synchronized Outcome reload() {
        if (settings.file().isEmpty()) {
            return new Outcome(false, false, List.of(new Rule.Problem("partrec.rules.file",
                    "no rules file is configured: the rules are inline (partrec.rules.list), fixed until a restart")));
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(Path.of(settings.file()));
        } catch (NoSuchFileException e) {
            return refused(null, List.of(new Rule.Problem("partrec.rules.file", "no such file: " + settings.file())));
        } catch (IOException e) {
            return refused(null, List.of(new Rule.Problem("partrec.rules.file", "cannot read " + settings.file() + ": "
                    + e)));
        }
        if (Arrays.equals(bytes, lastRead)) { // the rules in force (a bad file since, if any, is gone)
            lastProblems = List.of();
            return new Outcome(true, false, List.of());
        }
        List<Rule> rules;
        try {
            rules = parse(bytes);
        } catch (RuleBook.InvalidRules e) {
            return refused(bytes, e.problems());
        }
        try {
            counters(merchandising.replace(rules, KEY));
        } catch (RuleBook.InvalidRules e) {
            return refused(bytes, e.problems());
        }
        lastRead = bytes;
        loadedAt = Instant.now();
        lastProblems = List.of();
        LOG.log(System.Logger.Level.INFO, "merchandising rules loaded from " + settings.file() + ": " + rules.size());
        return new Outcome(true, true, List.of());
    }

    private Outcome refused(byte[] bytes, List<Rule.Problem> problems) {
        boolean repeated = bytes != null && problems.equals(lastProblems);
        lastProblems = List.copyOf(problems);
        lastProblemAt = Instant.now();
        if (!repeated) { // a bad file looked at every 30 s is one failure, not one a look
            failures.increment();
            LOG.log(System.Logger.Level.WARNING, "rules file " + settings.file() + " refused, the rules before it kept: "
                    + problems);
        }
        return new Outcome(false, false, problems);
    }

    /**
     * The rules of a file's YAML: its {@code rules:} list bound as {@code partrec.rules.list}
     * is, every key used (an unknown one is a problem under its name).
     */
    static List<Rule> parse(byte[] yaml) {
        List<PropertySource<?>> sources;
        try {
            sources = new YamlPropertySourceLoader().load("rules file", new ByteArrayResource(yaml));
        } catch (IOException | RuntimeException e) {
            throw new RuleBook.InvalidRules(List.of(new Rule.Problem("partrec.rules.file",
                    "not YAML with a rules: list (" + e.getClass().getSimpleName() + ")")));
        }
        if (sources.size() > 1) {
            throw new RuleBook.InvalidRules(List.of(new Rule.Problem("partrec.rules.file",
                    "one YAML document, not " + sources.size())));
        }
        if (sources.isEmpty()) {
            return List.of();
        }
        for (String name : ((org.springframework.core.env.EnumerablePropertySource<?>) sources.get(0)).getPropertyNames()) {
            if (!name.equals(KEY) && !name.startsWith(KEY + "[")) {
                throw new RuleBook.InvalidRules(List.of(new Rule.Problem(name, "unknown key: the file holds a rules:"
                        + " list only")));
            }
        }
        Binder binder = new Binder(ConfigurationPropertySources.from(sources.get(0)));
        try {
            return binder.bind(KEY, Bindable.listOf(Rule.class), new NoUnboundElementsBindHandler(BindHandler.DEFAULT))
                    .orElse(List.of());
        } catch (BindException e) {
            throw new RuleBook.InvalidRules(List.of(problem(e)));
        }
    }

    /** A binding failure as a problem under the key it failed on. */
    private static Rule.Problem problem(BindException e) {
        Throwable cause = e.getCause();
        if (cause instanceof UnboundConfigurationPropertiesException u) {
            String names = u.getUnboundProperties().stream().map(p -> p.getName().toString()).sorted()
                    .reduce((a, b) -> a + ", " + b).orElse("?");
            String first = u.getUnboundProperties().stream().map(p -> p.getName().toString()).sorted().findFirst()
                    .orElse(KEY);
            return new Rule.Problem(first, "unknown attribute (" + names + "): a rule takes name, action, items, brand,"
                    + " category, fitment, in-stock, min-margin, max-margin, factor, share, per, max");
        }
        String key = e.getProperty() != null ? e.getProperty().getName().toString() : e.getName().toString();
        Object value = e.getProperty() != null ? e.getProperty().getValue() : null;
        return new Rule.Problem(key, value == null ? "cannot be read as a rule's value"
                : "'" + value + "' is not a value this key takes");
    }

    /** A hit counter for each rule, registered once per rule name and action; it reads the adder that never resets. */
    private void counters(RuleBook book) {
        for (Rule r : book.rules()) {
            FunctionCounter.builder("partrec.rule.hits", merchandising.hits(r), a -> (double) a.sum())
                    .tags("rule", r.name(), "action", r.kind().label())
                    .description("items a merchandising rule touched: excluded or capped ahead of what was shown,"
                            + " boosted or buried and shown, shown in a promoted slot").register(registry);
        }
    }

    String file() {
        return settings.file();
    }

    java.time.Duration checkEvery() {
        return settings.checkEvery();
    }

    Instant loadedAt() {
        return loadedAt;
    }

    /** The problems of the last file refused since the last good one (empty when the last read was good). */
    List<Rule.Problem> lastProblems() {
        return new ArrayList<>(lastProblems);
    }

    Instant lastProblemAt() {
        return lastProblemAt;
    }

    @Override
    public void destroy() {
        if (timer != null) {
            timer.stop(java.time.Duration.ofSeconds(2));
        }
    }
}
