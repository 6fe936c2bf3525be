package org.partrec.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.partrec.demo.DemoEvents;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Merchandising rules over real HTTP: a rules file in force on the storefront's answers, a bad
 * file refused on {@code POST /actuator/rules} with its key named and the rules before it kept,
 * a good one taken on change without a call, and the hits in Prometheus; bad rules stop start-up.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "partrec.demo.customers=3000", "partrec.demo.parts=1500", "partrec.demo.events=60000",
    "partrec.training.factors=32", "partrec.training.threads=2", "partrec.rules.check-every=1s"})
@AutoConfigureObservability
class RulesApiTest extends OnTempStore {

    static final Path FILE;
    static final String GOOD = """
            rules:
              - name: no-holley
                action: exclude
                brand: Holley
              - name: gauges-first
                action: promote
                category: gauges
                share: 0.2
              - name: two-a-brand
                action: cap
                per: brand
                max: 2
            """;

    static {
        try {
            FILE = Files.createTempDirectory("partrec-rules").resolve("rules.yaml");
            write(GOOD);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void rulesFile(DynamicPropertyRegistry registry) {
        registry.add("partrec.rules.file", FILE::toString);
    }

    final HttpClient http = HttpClient.newHttpClient();

    /** Replaces the rules file at once, as a ConfigMap update does (never half written when read). */
    static void write(String yaml) throws IOException {
        Path next = FILE.resolveSibling("rules.yaml.next");
        Files.writeString(next, yaml);
        Files.move(next, FILE, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    record Reply(int status, String contentType, JsonNode body, String text) {
    }

    Reply send(int port, String method, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        String type = r.headers().firstValue("Content-Type").orElse("");
        return new Reply(r.statusCode(), type, type.contains("json") && !r.body().isEmpty()
                ? ServiceTest.JSON.readTree(r.body()) : null, r.body());
    }

    /** Brands of a customer's first 10 recommendations, each with a star when it fills a promoted slot. */
    List<String> brands(String customer) throws Exception {
        Reply r = send(port, "GET", "/recommendations/" + customer + "?limit=10");
        assertThat(r.status()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        r.body().get("items").forEach(i -> out.add(i.get("brand").asText() + (i.get("promoted").asBoolean()
                ? "*" + i.get("category").asText() : "")));
        return out;
    }

    @BeforeEach
    void waitForTheFirstModel() throws Exception {
        FirstModel.await(serving);
    }

    @Test
    void aRulesFileIsServedReloadedAndABadOneRefusedWithTheRulesBeforeItKept() throws Exception {
        Reply shown = send(managementPort, "GET", "/actuator/rules");
        assertThat(shown.status()).isEqualTo(200);
        assertThat(shown.body().get("source").asText()).isEqualTo("file");
        assertThat(shown.body().get("rules").findValuesAsText("name")).containsExactly("no-holley", "gauges-first",
                "two-a-brand");
        String customer = DemoEvents.customerId(17);
        List<String> brands = brands(customer);
        // slots 2 and 7 promoted (a share of 0.2), no Holley, no brand three times in the ten
        assertThat(brands).hasSize(10).noneMatch(b -> b.startsWith("Holley"));
        assertThat(brands.get(2)).endsWith("*gauges");
        assertThat(brands.get(7)).endsWith("*gauges");
        assertThat(brands.stream().filter(b -> b.contains("*")).count()).isEqualTo(2);
        assertThat(brands.stream().map(b -> b.replaceAll("\\*.*", "")).distinct()
                .allMatch(b -> brands.stream().filter(x -> x.replaceAll("\\*.*", "").equals(b)).count() <= 2)).isTrue();

        // a share over 1: refused, naming the key; the rules before it stay in force
        write(GOOD.replace("share: 0.2", "share: 1.5"));
        Reply refused = send(managementPort, "POST", "/actuator/rules");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.body().get("parameter").asText()).isEqualTo("rules[1].share");
        assertThat(refused.body().get("detail").asText()).contains("rules[1].share").contains("stay in force");
        Reply kept = send(managementPort, "GET", "/actuator/rules");
        assertThat(kept.body().get("rules").findValuesAsText("name")).containsExactly("no-holley", "gauges-first",
                "two-a-brand");
        assertThat(kept.body().get("refused").get("problems").get(0).get("key").asText()).isEqualTo("rules[1].share");
        assertThat(brands(customer)).isEqualTo(brands);

        // an attribute no rule has, and a negative share
        write(GOOD.replace("brand: Holley", "colour: red"));
        Reply unknown = send(managementPort, "POST", "/actuator/rules");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body().get("parameter").asText()).isEqualTo("rules[0].colour");
        write(GOOD.replace("share: 0.2", "share: -0.1"));
        assertThat(send(managementPort, "POST", "/actuator/rules").body().get("parameter").asText())
                .isEqualTo("rules[1].share");
        assertThat(brands(customer)).isEqualTo(brands);

        // a good file is taken on change, without a call (check-every 1 s); the POST after finds it in force
        write("""
                rules:
                  - name: no-msd
                    action: exclude
                    brand: MSD
                  - name: holley-up
                    action: boost
                    brand: Holley
                    factor: 3
                """);
        JsonNode now = null;
        for (long end = System.nanoTime() + 20_000_000_000L; System.nanoTime() < end; Thread.sleep(100)) {
            now = send(managementPort, "GET", "/actuator/rules").body();
            if (now.get("rules").findValuesAsText("name").contains("no-msd")) {
                break;
            }
        }
        assertThat(now.get("rules").findValuesAsText("name")).containsExactly("no-msd", "holley-up");
        assertThat(now.has("refused")).isFalse();
        Reply again = send(managementPort, "POST", "/actuator/rules");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().get("changed").asBoolean()).isFalse();
        List<String> after = brands(customer);
        assertThat(after).noneMatch(b -> b.startsWith("MSD")).anyMatch(b -> b.startsWith("Holley"))
                .noneMatch(b -> b.contains("*"));

        String metrics = send(managementPort, "GET", "/actuator/prometheus").text();
        assertThat(metrics).containsPattern("partrec_rule_hits_total\\{action=\"exclude\",rule=\"no-holley\"} [1-9]")
                .containsPattern("partrec_rule_hits_total\\{action=\"promote\",rule=\"gauges-first\"} [1-9]")
                .containsPattern("partrec_rule_hits_total\\{action=\"boost\",rule=\"holley-up\"} [1-9]")
                .containsPattern("partrec_rules_reload_failures_total [1-9]")
                .contains("partrec_rules_active 2.0");
        assertThat(now.get("rules").get(1).get("hits").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(send(managementPort, "GET", "/actuator/rules").body().get("rules").get(1).get("hits").asLong())
                .isGreaterThan(0);
    }

    /** Bad rules, inline or in the file, stop start-up with the key named. */
    @Test
    void badRulesStopStartUpWithTheirKeyNamed(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> FleetRollbackTest.start(dir, false, "--partrec.rules.list[0].name=p",
                "--partrec.rules.list[0].action=promote", "--partrec.rules.list[0].brand=MSD",
                "--partrec.rules.list[0].share=1.5").close()).hasStackTraceContaining("partrec.rules.list[0].share");
        assertThatThrownBy(() -> FleetRollbackTest.start(dir, false, "--partrec.rules.list[0].name=x",
                "--partrec.rules.list[0].action=exclude", "--partrec.rules.list[0].brand=MSD",
                "--partrec.rules.list[0].colour=red").close())
                .hasStackTraceContaining("partrec.rules.list[0].colour");
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, GOOD.replace("share: 0.2", "share: -1"));
        assertThatThrownBy(() -> FleetRollbackTest.start(dir, false, "--partrec.rules.file=" + bad).close())
                .hasStackTraceContaining("rules[1].share");
    }
}
