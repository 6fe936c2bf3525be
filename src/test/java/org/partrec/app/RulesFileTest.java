package org.partrec.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.partrec.serve.Rule;
import org.partrec.serve.RuleBook;

/** The rules file's YAML bound as the inline list is: the README's example, and bad files with their keys. */
class RulesFileTest {

    static List<Rule> parse(String yaml) {
        return RulesFile.parse(yaml.getBytes(StandardCharsets.UTF_8));
    }

    static String problemKey(String yaml) {
        try {
            List<Rule> rules = parse(yaml);
            List<Rule.Problem> problems = RuleBook.check(rules, RulesFile.KEY);
            return problems.isEmpty() ? null : problems.get(0).key();
        } catch (RuleBook.InvalidRules e) {
            return e.problems().get(0).key();
        }
    }

    @Test
    void theReadmesExampleIsAGoodRulesFile() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int at = readme.indexOf("<!-- rules-example -->");
        String block = readme.substring(readme.indexOf("```yaml\n", at) + 8, readme.indexOf("```\n", at + 30));
        List<Rule> rules = parse(block);
        assertThat(rules).extracting(Rule::name).containsExactly("no-walbro", "holley-week", "out-of-stock-down",
                "high-margin", "sniper-launch", "three-a-brand");
        assertThat(RuleBook.check(rules, RulesFile.KEY)).isEmpty();
        assertThat(rules.get(2).inStock()).isFalse();
        assertThat(rules.get(3).minMargin()).isEqualTo(0.4);
        assertThat(rules.get(4).items()).containsExactly("HOL-5588-849", "HOL-5588-850");
        assertThat(rules.get(5).max()).isEqualTo(3);
    }

    @Test
    void anEmptyFileOrListIsNoRule() {
        assertThat(parse("")).isEmpty();
        assertThat(parse("rules: []\n")).isEmpty();
    }

    @Test
    void theFileTheHelmChartRendersFromItsValuesIsAGoodRulesFile() {
        // HelmChartTest.RULES_RENDERED: the chart's rules-configmap.yaml for one boost rule (--set gives a string)
        List<Rule> rules = parse("rules:\n- action: boost\n  brand: Holley\n  factor: \"1.5\"\n  name: holley-week\n");
        assertThat(rules).singleElement().satisfies(r -> {
            assertThat(r.name()).isEqualTo("holley-week");
            assertThat(r.factor()).isEqualTo(1.5);
        });
        assertThat(RuleBook.check(rules, RulesFile.KEY)).isEmpty();
    }

    @Test
    void badFilesNameTheirKey() {
        assertThat(problemKey("rules:\n  - name: a\n    action: exclude\n    colour: red\n")).isEqualTo("rules[0].colour");
        assertThat(problemKey("rules:\n  - name: a\n    action: boost\n    brand: MSD\n    factor: lots\n"))
                .isEqualTo("rules[0].factor");
        assertThat(problemKey("rules:\n  - name: a\n    action: promote\n    brand: MSD\n    share: 1.01\n"))
                .isEqualTo("rules[0].share");
        assertThat(problemKey("rules:\n  - name: a\n    action: promote\n    brand: MSD\n    share: -0.5\n"))
                .isEqualTo("rules[0].share");
        assertThat(problemKey("rule:\n  - name: a\n")).isEqualTo("rule[0].name");
        assertThat(problemKey("rules: [\n")).isEqualTo("partrec.rules.file");
        assertThatThrownBy(() -> parse("rules:\n  - name: a\n    action: exclude\n    colour: red\n"))
                .isInstanceOf(RuleBook.InvalidRules.class).hasMessageContaining("unknown attribute");
    }
}
