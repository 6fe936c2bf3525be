package org.partrec.app;

import java.time.Duration;
import java.util.List;
import org.partrec.serve.Rule;
import org.partrec.serve.RuleBook;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The merchandising rules' settings ({@code partrec.rules}): the rules inline, or a file of them
 * re-read while the service runs ({@link RulesFile}). Bound apart from {@link PartrecProperties}
 * so that an unknown key in a rule ({@code partrec.rules.list[0].colour}) stops start-up with
 * its name, as a bad value does ({@link RuleBook#check}).
 *
 * @param file       a YAML file with a {@code rules:} list (the same keys as {@code list}); empty for none.
 *                   Read at start-up (a bad one stops it), then again on {@code POST /actuator/rules}
 *                   and whenever its content changes (a ConfigMap's update reaches every replica so)
 * @param checkEvery how often the file is looked at for a change; 0 for only on {@code POST}
 * @param list       the rules, when they are given inline (fixed until a restart); not with {@code file}
 */
@ConfigurationProperties(prefix = "partrec.rules", ignoreUnknownFields = false)
public record RulesProperties(String file, Duration checkEvery, List<Rule> list) {

    public RulesProperties {
        file = file == null ? "" : file.trim();
        checkEvery = checkEvery == null ? Duration.ofSeconds(30) : checkEvery;
        list = list == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(list));
        if (checkEvery.isNegative()) {
            throw new IllegalArgumentException("partrec.rules.check-every: must not be negative, got " + checkEvery);
        }
        if (!file.isEmpty() && !list.isEmpty()) {
            throw new IllegalArgumentException("partrec.rules: give the rules inline (list) or in a file (file), not"
                    + " both");
        }
        List<Rule.Problem> problems = RuleBook.check(list, "partrec.rules.list");
        if (!problems.isEmpty()) {
            throw new RuleBook.InvalidRules(problems);
        }
    }
}
