package org.partrec.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.partrec.deploy.Chart.list;
import static org.partrec.deploy.Chart.map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.convert.DurationStyle;

/**
 * The Helm chart ({@code helm/partrec}), linted and rendered through helm-java with each values
 * file (which also validates them against {@code values.schema.json}): probes on the actuator's
 * health groups on both ports, the pods' security context, one trainer and serving replicas that
 * do not train, an image from values, two ServiceAccounts, monitoring guarded by the cluster's
 * API versions, the alert rules, placement and disruption settings, a grace period that covers
 * the stop phases, no secret in any manifest, and the config files that the pods read equal to
 * the project's {@code configs/}.
 */
class HelmChartTest {

    static final Set<String> HEALTH_GROUPS = Set.of("/actuator/health/liveness", "/actuator/health/readiness");
    /** The same groups on the API port (Spring Boot's additional probe paths). */
    static final Set<String> API_HEALTH_GROUPS = Set.of("/livez", "/readyz");
    static final String TRAINER = Chart.RELEASE + "-trainer";
    static final List<String> VALUES_FILES = List.of("values.yaml", "values-staging.yaml", "values-prod.yaml");
    static final String SERVING = Chart.RELEASE + "-serving";

    /** The Deployments and StatefulSets, each the workload of one role's pods. */
    static List<Map<String, Object>> deployments(Chart.Rendered r) {
        List<Map<String, Object>> d = r.workloads();
        assertThat(d).as("workloads rendered with " + r.valuesFile()).isNotEmpty();
        return d;
    }

    static Map<String, Object> container(Map<String, Object> deployment) {
        List<Map<String, Object>> c = list(deployment, "spec.template.spec.containers");
        assertThat(c).hasSize(1);
        return c.get(0);
    }

    static String env(Map<String, Object> container, String name) {
        return list(container, "env").stream().filter(e -> name.equals(e.get("name"))).findFirst()
                .map(e -> (String) e.get("value")).orElseThrow(() -> new AssertionError("no env " + name));
    }

    static boolean selects(Map<String, Object> selector, Map<String, Object> labels) {
        return !selector.isEmpty() && selector.entrySet().stream()
                .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    @Test
    void theChartPassesHelmLintStrict() {
        LintResult lint = new Helm(Chart.DIR).lint().strict().call();
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    @Test
    void theChartsConfigCopiesAreByteIdenticalToTheProjectsConfigs() throws IOException {
        Set<String> project = names(Path.of("configs"));
        assertThat(project).contains("dev.yaml", "staging.yaml", "prod.yaml");
        assertThat(names(Chart.DIR.resolve("files/configs"))).as("helm/partrec/files/configs").isEqualTo(project);
        for (String f : project) {
            assertThat(Files.mismatch(Path.of("configs", f), Chart.DIR.resolve("files/configs").resolve(f)))
                    .as("helm/partrec/files/configs/%s differs from configs/%s: copy it again", f, f)
                    .isEqualTo(-1L);
        }
    }

    static Set<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(TreeSet::new, Set::add, Set::addAll);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"values.yaml", "values-staging.yaml", "values-prod.yaml"})
    void theConfigMapCarriesExactlyTheProjectsConfigOfTheChosenEnv(String valuesFile) throws IOException {
        Chart.Rendered r = Chart.render(valuesFile);
        String env = (String) r.values().get("env");
        assertThat(env).isEqualTo(switch (valuesFile) {
            case "values-staging.yaml" -> "staging";
            case "values-prod.yaml" -> "prod";
            default -> "dev";
        });
        Map<String, Object> cm = r.named("ConfigMap", Chart.RELEASE + "-config");
        assertThat(map(cm, "data")).containsOnlyKeys(env + ".yaml");
        assertThat(map(cm, "data").get(env + ".yaml")).isEqualTo(Files.readString(Path.of("configs", env + ".yaml")));
        for (Map<String, Object> d : deployments(r)) {
            Map<String, Object> c = container(d);
            assertThat(env(c, "PARTREC_ENV")).isEqualTo(env);
            String location = env(c, "SPRING_CONFIG_ADDITIONAL_LOCATION");
            Map<String, Object> mount = list(c, "volumeMounts").stream().filter(m -> "config".equals(m.get("name")))
                    .findFirst().orElseThrow();
            assertThat(location).isEqualTo("file:" + mount.get("mountPath") + "/" + env + ".yaml");
            Map<String, Object> volume = list(d, "spec.template.spec.volumes").stream()
                    .filter(v -> "config".equals(v.get("name"))).findFirst().orElseThrow();
            assertThat(map(volume, "configMap").get("name")).isEqualTo(Chart.RELEASE + "-config");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"values.yaml", "values-staging.yaml", "values-prod.yaml"})
    void probesHitTheHealthGroupsOnBothPortsLivenessAndReadinessOnTheApiPort(String valuesFile) {
        Chart.Rendered r = Chart.render(valuesFile);
        Map<String, Object> management = r.named("Service", Chart.RELEASE + "-management");
        List<Map<String, Object>> managementPorts = list(management, "spec.ports");
        assertThat(managementPorts).hasSize(1);
        for (Map<String, Object> d : deployments(r)) {
            Map<String, Object> c = container(d);
            Map<String, Object> podLabels = map(d, "spec.template.metadata.labels");
            assertThat(selects(map(d, "spec.selector.matchLabels"), podLabels)).as("selector of " + d).isTrue();
            assertThat(selects(map(management, "spec.selector"), podLabels)).isTrue();
            List<Map<String, Object>> ports = list(c, "ports");
            for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                Map<String, Object> get = map(c, probe + ".httpGet");
                assertThat(get).as(probe + " of " + map(d, "metadata").get("name")).isNotEmpty();
                Map<String, Object> port = ports.stream().filter(p -> get.get("port").equals(p.get("name"))
                        || get.get("port").equals(p.get("containerPort"))).findFirst()
                        .orElseThrow(() -> new AssertionError(probe + " port " + get.get("port") + " not among " + ports));
                if (probe.equals("startupProbe")) { // the management port, which the management Service targets
                    assertThat((String) get.get("path")).isIn(HEALTH_GROUPS);
                    assertThat(port.get("containerPort")).isEqualTo(8081);
                    assertThat(managementPorts.get(0).get("targetPort")).isIn(port.get("name"), port.get("containerPort"));
                } else { // the API port: a hung API port is neither live nor ready
                    assertThat((String) get.get("path")).isIn(API_HEALTH_GROUPS);
                    assertThat(port.get("containerPort")).isEqualTo(8080);
                }
            }
            assertThat(map(c, "livenessProbe.httpGet").get("path")).isEqualTo("/livez");
            assertThat(map(c, "readinessProbe.httpGet").get("path")).isEqualTo("/readyz");
        }
        Map<String, Object> api = r.named("Service", Chart.RELEASE);
        assertThat(list(api, "spec.ports")).singleElement().satisfies(p -> {
            assertThat(p.get("port")).isEqualTo(80);
            assertThat(p.get("targetPort")).isEqualTo("http");
        });
        for (Map<String, Object> d : deployments(r)) {
            assertThat(list(container(d), "ports")).anySatisfy(p -> {
                assertThat(p.get("name")).isEqualTo("http");
                assertThat(p.get("containerPort")).isEqualTo(8080);
            });
        }
        assertThat(deployments(r)).as("the API Service selects the serving pods")
                .anyMatch(d -> selects(map(api, "spec.selector"), map(d, "spec.template.metadata.labels")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"values.yaml", "values-staging.yaml", "values-prod.yaml"})
    void podsRunAsUser10001OnAReadOnlyRootWithNoCapabilities(String valuesFile) {
        for (Map<String, Object> d : deployments(Chart.render(valuesFile))) {
            Map<String, Object> pod = map(d, "spec.template.spec.securityContext");
            assertThat(pod).containsEntry("runAsNonRoot", true).containsEntry("runAsUser", 10001);
            assertThat(map(pod, "seccompProfile")).containsEntry("type", "RuntimeDefault");
            Map<String, Object> c = container(d);
            Map<String, Object> sc = map(c, "securityContext");
            assertThat(sc).containsEntry("runAsNonRoot", true).containsEntry("runAsUser", 10001)
                    .containsEntry("readOnlyRootFilesystem", true).containsEntry("allowPrivilegeEscalation", false);
            assertThat(map(sc, "capabilities").get("drop")).isEqualTo(List.of("ALL"));
            assertThat(map(sc, "seccompProfile")).containsEntry("type", "RuntimeDefault");
            Map<String, Object> tmp = list(c, "volumeMounts").stream().filter(m -> "/tmp".equals(m.get("mountPath")))
                    .findFirst().orElseThrow(() -> new AssertionError("no /tmp mount"));
            assertThat(list(d, "spec.template.spec.volumes")).anySatisfy(v -> {
                assertThat(v.get("name")).isEqualTo(tmp.get("name"));
                assertThat(v).containsKey("emptyDir");
            });
            assertThat(map(c, "resources.requests")).containsKeys("cpu", "memory");
            assertThat(map(c, "resources.limits")).containsKeys("memory");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"values.yaml", "values-staging.yaml", "values-prod.yaml"})
    void oneTrainerTrainsAndTheServingReplicasDoNot(String valuesFile) {
        Chart.Rendered r = Chart.render(valuesFile);
        Map<String, Object> trainer = r.named("StatefulSet", TRAINER);
        assertThat(map(trainer, "spec").get("replicas")).as("never two trainers at once").isEqualTo(1);
        Map<String, Object> governing = r.named("Service", (String) map(trainer, "spec").get("serviceName"));
        assertThat(map(governing, "spec").get("clusterIP")).isEqualTo("None");
        assertThat(selects(map(governing, "spec.selector"), map(trainer, "spec.template.metadata.labels"))).isTrue();
        assertThat(env(container(trainer), "PARTREC_TRAINING_ENABLED")).isEqualTo("true");
        assertThat(deployments(r)).extracting(d -> map(d, "metadata").get("name")).isSubsetOf(TRAINER, SERVING);
        Map<String, Object> values = r.values();
        boolean serving = (Boolean) map(values, "serving").get("enabled");
        assertThat(serving).as("serving replicas with " + valuesFile).isEqualTo(!valuesFile.equals("values.yaml"));
        Map<String, Object> api = r.named("Service", Chart.RELEASE);
        assertThat(selects(map(api, "spec.selector"), map(trainer, "spec.template.metadata.labels")))
                .as("the trainer serves API traffic only when no serving replica does (trainer.servesApi false)")
                .isEqualTo(!serving);
        if (!serving) {
            assertThat(r.ofKind("HorizontalPodAutoscaler")).isEmpty();
            return;
        }
        Map<String, Object> s = r.named("Deployment", SERVING);
        assertThat(env(container(s), "PARTREC_TRAINING_ENABLED")).isEqualTo("false");
        assertThat(env(container(s), "PARTREC_WAREHOUSE_BIGQUERY_CREATETABLES"))
                .as("serving starts without BigQuery DDL").isEqualTo("false");
        assertThat(list(container(trainer), "env")).noneMatch(e -> "PARTREC_WAREHOUSE_BIGQUERY_CREATETABLES".equals(e.get("name")));
        assertThat(selects(map(api, "spec.selector"), map(s, "spec.template.metadata.labels"))).isTrue();
        Map<String, Object> hpa = r.named("HorizontalPodAutoscaler", SERVING);
        assertThat(map(hpa, "spec.scaleTargetRef")).containsEntry("kind", "Deployment").containsEntry("name", SERVING);
        assertThat(map(hpa, "spec").get("minReplicas")).isEqualTo(map(values, "autoscaling").get("minReplicas"));
        assertThat(map(hpa, "spec").get("maxReplicas")).isEqualTo(map(values, "autoscaling").get("maxReplicas"));
        assertThat(list(hpa, "spec.metrics")).singleElement()
                .satisfies(m -> assertThat(map(m, "resource").get("name")).isEqualTo("cpu"));
        assertThat((Integer) map(hpa, "spec.behavior.scaleUp").get("stabilizationWindowSeconds"))
                .as("a model swap's CPU burst is no reason to scale up").isGreaterThanOrEqualTo(60);
        assertThat(map(s, "spec")).as("the HPA owns the replica count").doesNotContainKey("replicas");
        Map<String, Object> pdb = r.named("PodDisruptionBudget", SERVING);
        assertThat(selects(map(pdb, "spec.selector.matchLabels"), map(s, "spec.template.metadata.labels"))).isTrue();
        assertThat(selects(map(pdb, "spec.selector.matchLabels"), map(trainer, "spec.template.metadata.labels")))
                .isFalse();
        assertThat(map(pdb, "spec").get("unhealthyPodEvictionPolicy"))
                .as("unready replicas (waiting for a model) never stall a drain").isEqualTo("AlwaysAllow");
        List<Map<String, Object>> spread = list(s, "spec.template.spec.topologySpreadConstraints");
        assertThat(spread).extracting(c -> c.get("topologyKey"))
                .contains("topology.kubernetes.io/zone", "kubernetes.io/hostname");
        for (Map<String, Object> c : spread) {
            assertThat(selects(map(c, "labelSelector.matchLabels"), map(s, "spec.template.metadata.labels"))).isTrue();
            assertThat(selects(map(c, "labelSelector.matchLabels"), map(trainer, "spec.template.metadata.labels")))
                    .isFalse();
        }
    }

    /**
     * Posted events reach every replica that answers API traffic through the Pub/Sub topic of the
     * values (README "Events on several replicas"): the pods get its name, the config they read
     * fans out through Pub/Sub in staging and prod, and a trainer that serves no API traffic takes
     * no part (it has no posted events to hand on, and its account no Pub/Sub role).
     */
    @ParameterizedTest
    @ValueSource(strings = {"values.yaml", "values-staging.yaml", "values-prod.yaml"})
    void replicasThatServeTheApiFanEventsOutThroughTheTopicOfTheValues(String valuesFile) {
        Chart.Rendered r = Chart.render(valuesFile);
        String env = (String) r.values().get("env");
        Map<String, Object> config = new org.yaml.snakeyaml.Yaml().load((String) map(r.named("ConfigMap",
                Chart.RELEASE + "-config"), "data").get(env + ".yaml"));
        Map<String, Object> fanout = map(config, "partrec.events.fanout");
        assertThat(fanout.get("type")).isEqualTo(env.equals("dev") ? "local" : "pubsub");
        assertThat(fanout.get("topic")).as("the pods' env names the topic").isEqualTo("${PARTREC_EVENTS_TOPIC:partrec-events}");
        assertThat(map(config, "spring.cloud.gcp.pubsub").get("enabled")).isEqualTo(!env.equals("dev"));
        assertThat(r.values().get("eventsTopic")).isEqualTo("partrec-events");
        for (Map<String, Object> d : deployments(r)) {
            Map<String, Object> c = container(d);
            assertThat(env(c, "PARTREC_EVENTS_TOPIC")).isEqualTo(r.values().get("eventsTopic"));
            boolean api = "true".equals(map(d, "spec.template.metadata.labels").get("partrec.org/api"));
            assertThat(list(c, "env").stream().filter(e -> "PARTREC_EVENTS_FANOUT_TYPE".equals(e.get("name")))
                    .map(e -> e.get("value")).toList()).as("fan-out overridden on " + map(d, "metadata").get("name"))
                    .isEqualTo(api ? List.of() : List.of("local"));
        }
        if (!env.equals("dev")) {
            assertThat(list(container(r.named("StatefulSet", TRAINER)), "env"))
                    .anySatisfy(e -> assertThat(e).containsEntry("name", "PARTREC_EVENTS_FANOUT_TYPE")
                            .containsEntry("value", "local"));
        }
        Chart.Rendered asked = Chart.render(valuesFile, "trainer.servesApi", "true", "eventsTopic", "recs-events");
        Map<String, Object> trainer = container(asked.named("StatefulSet", TRAINER));
        assertThat(list(trainer, "env")).as("a trainer behind the API Service fans out as the config says")
                .noneMatch(e -> "PARTREC_EVENTS_FANOUT_TYPE".equals(e.get("name")));
        assertThat(env(trainer, "PARTREC_EVENTS_TOPIC")).isEqualTo("recs-events");
    }

    /**
     * Extra JVM flags reach the pods as JDK_JAVA_OPTIONS, which the java launcher reads after the
     * image's JAVA_TOOL_OPTIONS: they override its defaults flag by flag instead of replacing them.
     */
    @Test
    void extraJvmFlagsOverrideTheImagesDefaultsWithoutReplacingThem() {
        Chart.Rendered r = Chart.render("values-prod.yaml", "javaOptions", "-XX:MaxRAMPercentage=60");
        for (Map<String, Object> d : deployments(r)) {
            assertThat(env(container(d), "JDK_JAVA_OPTIONS")).isEqualTo("-XX:MaxRAMPercentage=60");
            assertThat(list(container(d), "env")).noneMatch(e -> "JAVA_TOOL_OPTIONS".equals(e.get("name")));
        }
    }

    /**
     * The rules of the values reach every pod as the file partrec.rules.file names, through a
     * directory mount (a subPath mount is never updated), and changing them leaves the pods'
     * checksum alone, so an upgrade that only changes rules rolls no pod.
     */
    @Test
    void theRulesOfTheValuesReachEveryPodAsAFileAndChangingThemRollsNoPod() {
        Chart.Rendered none = Chart.render("values-prod.yaml");
        Chart.Rendered some = Chart.render("values-prod.yaml", "rules[0].name", "holley-week", "rules[0].action",
                "boost", "rules[0].brand", "Holley", "rules[0].factor", "1.5");
        assertThat(map(none.named("ConfigMap", Chart.RELEASE + "-rules"), "data")).containsEntry("rules.yaml",
                "rules: []\n");
        assertThat(map(some.named("ConfigMap", Chart.RELEASE + "-rules"), "data")).containsEntry("rules.yaml",
                RULES_RENDERED);
        List<Map<String, Object>> before = deployments(none);
        List<Map<String, Object>> after = deployments(some);
        assertThat(after).hasSize(before.size());
        for (int d = 0; d < after.size(); d++) {
            Map<String, Object> c = container(after.get(d));
            assertThat(env(c, "PARTREC_RULES_FILE")).isEqualTo("/etc/partrec-rules/rules.yaml");
            assertThat(list(c, "volumeMounts")).anySatisfy(m -> {
                assertThat(m.get("mountPath")).isEqualTo("/etc/partrec-rules");
                assertThat(m).doesNotContainKey("subPath");
            });
            assertThat(list(after.get(d), "spec.template.spec.volumes")).anySatisfy(v -> assertThat(v.get("configMap"))
                    .isEqualTo(Map.of("name", Chart.RELEASE + "-rules")));
            assertThat(map(after.get(d), "spec.template.metadata.annotations"))
                    .isEqualTo(map(before.get(d), "spec.template.metadata.annotations"));
        }
    }

    /** The rules file the chart renders for one boost rule (RulesFileTest reads it back). */
    static final String RULES_RENDERED = "rules:\n- action: boost\n  brand: Holley\n  factor: \"1.5\"\n  name: holley-week\n";

    @Test
    void theTrainerServesTheApiWhenAsked() {
        Chart.Rendered r = Chart.render("values-prod.yaml", "trainer.servesApi", "true");
        assertThat(map(r.named("StatefulSet", TRAINER), "spec.template.metadata.labels"))
                .containsEntry("partrec.org/api", "true");
    }

    @Test
    void withoutAutoscalingTheServingReplicasComeFromValues() {
        Chart.Rendered r = Chart.render("values-prod.yaml", "autoscaling.enabled", "false", "serving.replicas", "5");
        assertThat(map(r.named("Deployment", SERVING), "spec").get("replicas")).isEqualTo(5);
        assertThat(r.ofKind("HorizontalPodAutoscaler")).isEmpty();
    }

    static final Pattern SECRET_NAMES = Pattern.compile(".*(TOKEN|SECRET|PASSWORD|CREDENTIAL|KEY).*");

    @ParameterizedTest
    @ValueSource(strings = {"values.yaml", "values-staging.yaml", "values-prod.yaml"})
    void noRenderedManifestHoldsATokenOrAKeyFile(String valuesFile) {
        Chart.Rendered r = Chart.render(valuesFile, Chart.with(Chart.OPERATOR_API, "metrics.serviceMonitor.enabled", "true"));
        assertThat(r.ofKind("Secret")).isEmpty();
        assertThat(r.text()).doesNotContain("GOOGLE_APPLICATION_CREDENTIALS", "private_key", "PRIVATE KEY",
                "service_account\"", "Bearer ");
        Map<String, Object> opsToken = map(r.values(), "opsToken");
        for (Map<String, Object> d : deployments(r)) {
            assertThat(list(d, "spec.template.spec.volumes")).noneMatch(v -> v.containsKey("secret"));
            for (Map<String, Object> e : list(container(d), "env")) {
                if (SECRET_NAMES.matcher((String) e.get("name")).matches()) {
                    assertThat(e).as("a secret-like env var takes no literal value").doesNotContainKey("value");
                }
            }
            Map<String, Object> token = list(container(d), "env").stream()
                    .filter(e -> "PARTREC_OPS_TOKEN".equals(e.get("name"))).findFirst().orElseThrow();
            assertThat(map(token, "valueFrom.secretKeyRef")).containsEntry("name", opsToken.get("secretName"))
                    .containsEntry("key", opsToken.get("secretKey"));
        }
        Map<String, Object> sm = r.named("ServiceMonitor", Chart.RELEASE);
        assertThat(map(list(sm, "spec.endpoints").get(0), "authorization.credentials"))
                .containsEntry("name", opsToken.get("secretName")).containsEntry("key", opsToken.get("secretKey"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"values.yaml", "values-staging.yaml", "values-prod.yaml"})
    void eachRoleHasItsOwnServiceAccountAndGoogleServiceAccount(String valuesFile) {
        Chart.Rendered r = Chart.render(valuesFile);
        Map<String, Object> values = map(r.values(), "serviceAccount");
        for (Map<String, Object> d : deployments(r)) {
            String role = (String) map(d, "spec.template.metadata.labels").get("app.kubernetes.io/component");
            String name = Chart.RELEASE + "-" + role;
            assertThat(map(d, "spec.template.spec").get("serviceAccountName")).isEqualTo(name);
            assertThat(map(d, "spec.template.spec").get("automountServiceAccountToken")).isEqualTo(false);
            Map<String, Object> sa = r.named("ServiceAccount", name);
            String gsa = (String) map(values, role).get("gcpServiceAccount");
            if (gsa.isEmpty()) {
                assertThat(map(sa, "metadata.annotations")).doesNotContainKey("iam.gke.io/gcp-service-account");
            } else {
                assertThat(map(sa, "metadata.annotations")).containsEntry("iam.gke.io/gcp-service-account", gsa);
            }
        }
        boolean serving = !valuesFile.equals("values.yaml");
        assertThat(r.ofKind("ServiceAccount")).extracting(m -> map(m, "metadata").get("name"))
                .containsExactlyInAnyOrderElementsOf(serving ? List.of(TRAINER, SERVING) : List.of(TRAINER));
    }

    @Test
    void stagingAndProdActAsTwoGoogleServiceAccountsOfTheirProject() {
        Chart.Rendered prod = Chart.render("values-prod.yaml");
        assertThat(map(prod.named("ServiceAccount", TRAINER), "metadata.annotations"))
                .containsEntry("iam.gke.io/gcp-service-account", "partrec-trainer@partrec-prod.iam.gserviceaccount.com");
        assertThat(map(prod.named("ServiceAccount", SERVING), "metadata.annotations"))
                .containsEntry("iam.gke.io/gcp-service-account", "partrec-serving@partrec-prod.iam.gserviceaccount.com");
        Map<String, Object> trainer = Chart.render("values-staging.yaml").named("StatefulSet", TRAINER);
        assertThat(env(container(trainer), "GCP_PROJECT")).isEqualTo("partrec-staging");
        assertThat(env(container(trainer), "PARTREC_MODEL_BUCKET")).isEqualTo("partrec-staging-models");
        assertThatThrownBy(() -> Chart.render("values-prod.yaml", "serviceAccount.serving.gcpServiceAccount", ""))
                .hasMessageContaining("serviceAccount.serving.gcpServiceAccount");
    }

    @Test
    void theServiceMonitorScrapesPrometheusOnTheManagementServiceOnly() {
        Chart.Rendered r = Chart.render("values-staging.yaml", Chart.OPERATOR_API);
        Map<String, Object> endpoint = list(r.named("ServiceMonitor", Chart.RELEASE), "spec.endpoints").get(0);
        assertThat(endpoint).containsEntry("port", "management").containsEntry("path", "/actuator/prometheus");
        Map<String, Object> selector = map(r.named("ServiceMonitor", Chart.RELEASE), "spec.selector.matchLabels");
        assertThat(selects(selector, map(r.named("Service", Chart.RELEASE + "-management"), "metadata.labels"))).isTrue();
        assertThat(selects(selector, map(r.named("Service", Chart.RELEASE), "metadata.labels"))).isFalse();
        assertThat(list(r.named("Service", Chart.RELEASE + "-management"), "spec.ports"))
                .anyMatch(p -> "management".equals(p.get("name")));
    }

    @Test
    void thePrometheusRuleFollowsTheServiceMonitorUnlessSetItself() {
        String[] api = Chart.OPERATOR_API;
        assertThat(Chart.render("values.yaml", api).ofKind("PrometheusRule")).isEmpty();
        assertThat(Chart.render("values.yaml", api).ofKind("ServiceMonitor")).isEmpty();
        assertThat(Chart.render("values.yaml", Chart.with(api, "metrics.prometheusRule.enabled", "true"))
                .ofKind("PrometheusRule")).hasSize(1);
        assertThat(Chart.render("values-staging.yaml", Chart.with(api, "metrics.prometheusRule.enabled", "false"))
                .ofKind("PrometheusRule")).isEmpty();
        List<Map<String, Object>> rules = rules(Chart.render("values-prod.yaml", api).named("PrometheusRule", Chart.RELEASE));
        assertThat(rules).extracting(x -> x.get("alert")).contains("PartrecModelStale", "PartrecTrainingRunsFailing",
                "PartrecApiLatencyHigh", "PartrecRestarting", "PartrecExportFailing", "PartrecTargetDown",
                "PartrecTargetAbsent");
        Map<String, Object> stale = rule(rules, "PartrecModelStale");
        assertThat((String) stale.get("expr")).contains("job=\"partrec-management\"", "namespace=\"partrec\"",
                "> 12 * 3600");
        assertThat(map(stale, "annotations").get("summary")).asString().contains("{{ $labels.pod }}");
    }

    static List<Map<String, Object>> rules(Map<String, Object> ruleResource) {
        return list(list(ruleResource, "spec.groups").get(0), "rules");
    }

    static Map<String, Object> rule(List<Map<String, Object>> rules, String alert) {
        return rules.stream().filter(x -> alert.equals(x.get("alert"))).findFirst()
                .orElseThrow(() -> new AssertionError("no alert " + alert));
    }

    static final String SELECTOR = "job=\"partrec-management\", namespace=\"partrec\"";

    @Test
    void anAbsentOrDownTargetAlertsAndErrorsNeedAMinimumRequestRate() {
        List<Map<String, Object>> rules = rules(Chart.render("values-prod.yaml", Chart.OPERATOR_API)
                .named("PrometheusRule", Chart.RELEASE));
        assertThat(rule(rules, "PartrecTargetAbsent").get("expr")).isEqualTo("absent(up{" + SELECTOR + "})");
        assertThat(rule(rules, "PartrecTargetDown").get("expr")).isEqualTo("up{" + SELECTOR + "} == 0");
        assertThat((String) rule(rules, "PartrecApiErrors").get("expr")).contains("> 0.01) and sum(rate(")
                .endsWith("[5m])) > 0.2");
        assertThat((String) rule(rules, "PartrecRestarting").get("expr"))
                .as("a restart quicker than a scrape changes the process start time")
                .contains("changes(process_start_time_seconds{" + SELECTOR + "}[30m]) >= 2");
    }

    @Test
    void monitoringIsGuardedByTheClustersApiVersions() throws IOException {
        // helm template sees no CRDs: the values ask for a ServiceMonitor, the cluster does not serve it
        Chart.Rendered none = Chart.render("values-staging.yaml");
        assertThat(none.ofKind("ServiceMonitor")).isEmpty();
        assertThat(none.ofKind("PrometheusRule")).isEmpty();
        Chart.Rendered operator = Chart.render("values-staging.yaml", Chart.OPERATOR_API);
        for (String kind : List.of("ServiceMonitor", "PrometheusRule")) {
            assertThat(map(operator.named(kind, Chart.RELEASE), "metadata.labels"))
                    .as("kube-prometheus-stack selects by its release label").containsEntry("release", "kube-prometheus-stack");
        }
        assertThat(operator.ofKind("PodMonitoring")).isEmpty();

        String[] gmp = {"metrics.serviceMonitor.enabled", "false", "metrics.managedPrometheus.enabled", "true"};
        assertThat(Chart.render("values-prod.yaml", gmp).manifests())
                .noneMatch(m -> ((String) m.get("apiVersion")).startsWith("monitoring."));
        Chart.Rendered managed = Chart.render("values-prod.yaml", Chart.with(Chart.MANAGED_API, gmp));
        Map<String, Object> pm = managed.named("PodMonitoring", Chart.RELEASE + "-management");
        assertThat(list(pm, "spec.endpoints").get(0)).containsEntry("port", "management")
                .containsEntry("path", "/actuator/prometheus");
        assertThat(map(list(pm, "spec.endpoints").get(0), "authorization.credentials.secret"))
                .containsEntry("name", "partrec-ops-token").containsEntry("key", "token");
        assertThat(rules(managed.named("Rules", Chart.RELEASE))).extracting(x -> x.get("expr"))
                .isEqualTo(rules(Chart.render("values-prod.yaml", Chart.OPERATOR_API)
                        .named("PrometheusRule", Chart.RELEASE)).stream().map(x -> x.get("expr")).toList());
        assertThat(list(managed.named("Role", Chart.RELEASE + "-scrape-token"), "rules").get(0).get("resourceNames"))
                .isEqualTo(List.of("partrec-ops-token"));
        assertThat(managed.ofKind("ServiceMonitor")).isEmpty();

        assertThatThrownBy(() -> Chart.render("values-prod.yaml", "metrics.managedPrometheus.enabled", "true"))
                .hasMessageContaining("every alert fires twice");
        // every monitoring template renders only behind the helper that asks .Capabilities
        String helpers = Files.readString(Chart.DIR.resolve("templates/_helpers.tpl"));
        assertThat(helpers).contains(".Capabilities.APIVersions.Has .api");
        for (String t : List.of("servicemonitor.yaml", "prometheusrule.yaml", "managed-prometheus.yaml")) {
            assertThat(Files.readString(Chart.DIR.resolve("templates").resolve(t)))
                    .as(t).startsWith("{{- if include \"partrec.");
        }
        assertThat(helpers).contains("(dict \"root\" . \"api\" \"monitoring.coreos.com/v1\")",
                "(dict \"root\" . \"api\" \"monitoring.googleapis.com/v1\")");
    }

    @Test
    void theDashboardConfigMapCarriesTheDashboardUnderAUidOfTheRelease() throws IOException {
        Map<String, Object> cm = Chart.render("values.yaml").named("ConfigMap", Chart.RELEASE + "-dashboard");
        assertThat(map(cm, "metadata.labels")).containsEntry("grafana_dashboard", "1");
        ObjectMapper json = new ObjectMapper();
        JsonNode rendered = json.readTree((String) map(cm, "data").get("partrec.json"));
        ObjectNode file = (ObjectNode) json.readTree(Chart.DIR.resolve("dashboards/partrec.json").toFile());
        assertThat(rendered.get("uid").asText()).isEqualTo("partrec-partrec-partrec");
        assertThat(rendered.get("title").asText()).isEqualTo("partrec (partrec/partrec)");
        file.set("uid", rendered.get("uid"));
        file.set("title", rendered.get("title"));
        assertThat(rendered).isEqualTo(file);
        JsonNode other = json.readTree((String) map(Chart.render("values.yaml", "dashboards.uid", "partrec-staging")
                .named("ConfigMap", Chart.RELEASE + "-dashboard"), "data").get("partrec.json"));
        assertThat(other.get("uid").asText()).isEqualTo("partrec-staging");
    }

    @Test
    void servingReplicasOnDevAreRefused() {
        assertThatThrownBy(() -> Chart.render("values.yaml", "serving.enabled", "true"))
                .hasMessageContaining("serving replicas cannot read");
    }

    @Test
    void stagingWithoutAProjectOrBucketIsRefused() {
        assertThatThrownBy(() -> Chart.render("values-staging.yaml", "gcp.project", ""))
                .hasMessageContaining("gcp.project is required");
        assertThatThrownBy(() -> Chart.render("values-prod.yaml", "modelBucket", ""))
                .hasMessageContaining("modelBucket is required");
    }

    @Test
    void stagingAndProdWithoutTheBuildsTagOrDigestAreRefused() {
        assertThatThrownBy(() -> Chart.render("values-prod.yaml", "image.tag", ""))
                .hasMessageContaining("image.tag or image.digest is required");
    }

    @Test
    void anEnvWithoutAConfigFileIsRefused() {
        assertThatThrownBy(() -> Chart.render("values.yaml", "env", "qa"))
                .hasMessageContaining("files/configs/qa.yaml");
    }

    @ParameterizedTest
    @ValueSource(strings = {"values.yaml", "values-staging.yaml", "values-prod.yaml"})
    void theImageIsTheRepositoryAndTheTagOfTheValues(String valuesFile) {
        Chart.Rendered r = Chart.render(valuesFile);
        Map<String, Object> image = map(r.values(), "image");
        String repository = (String) image.get("repository");
        String tag = valuesFile.equals("values.yaml") ? "0.1.0" : Chart.IMAGE_TAG;
        if (!valuesFile.equals("values.yaml")) {
            assertThat(repository).as("staging and prod pull from their registry, not Docker Hub")
                    .matches("[a-z0-9-]+-docker\\.pkg\\.dev/" + map(r.values(), "gcp").get("project") + "/[a-z0-9-]+/partrec");
        }
        for (Map<String, Object> d : deployments(r)) {
            assertThat(container(d)).containsEntry("image", repository + ":" + tag)
                    .as("a tag can move: pull it each time").containsEntry("imagePullPolicy", "Always");
        }
    }

    @Test
    void aDigestPinsTheImage() {
        String digest = "sha256:" + "0123456789abcdef".repeat(4);
        Chart.Rendered r = Chart.render("values-prod.yaml", "image.digest", digest);
        for (Map<String, Object> d : deployments(r)) {
            assertThat(container(d)).containsEntry("image", "us-docker.pkg.dev/partrec-prod/partrec/partrec@" + digest)
                    .containsEntry("imagePullPolicy", "IfNotPresent");
        }
        assertThat(container(Chart.render("values-prod.yaml", "image.digest", digest, "image.tag", "1.2.3")
                .named("StatefulSet", TRAINER)).get("image")).isEqualTo("us-docker.pkg.dev/partrec-prod/partrec/partrec:1.2.3@" + digest);
        assertThat(container(Chart.render("values-prod.yaml", "image.pullPolicy", "IfNotPresent")
                .named("StatefulSet", TRAINER)).get("imagePullPolicy")).isEqualTo("IfNotPresent");
    }

    /**
     * The stop phases a pod goes through after SIGTERM, at their longest, in seconds: the
     * management server's context and the HTTP drain each take at most Spring's
     * {@code timeout-per-shutdown-phase} (read from the config file the pods get, else from
     * {@code application.yaml}); the training schedule, the training run and the export each
     * wait their {@code STOP_WAIT} and then {@code AFTER_INTERRUPT} more (read from the code).
     */
    static long stopPhasesSeconds(String podConfig) throws Exception {
        Duration phase = springShutdownPhase(podConfig);
        if (phase == null) {
            phase = springShutdownPhase(Files.readString(Path.of("src/main/resources/application.yaml")));
        }
        if (phase == null) {
            phase = Duration.ofSeconds(30); // Spring's own default
        }
        Duration after = constant("org.partrec.pipeline.Background", "AFTER_INTERRUPT");
        Duration stops = phase.multipliedBy(2)
                .plus(constant("org.partrec.app.TrainingSchedule", "STOP_WAIT")).plus(after)
                .plus(constant("org.partrec.pipeline.TrainingPipeline", "STOP_WAIT")).plus(after)
                .plus(constant("org.partrec.export.ExportOnPromotion", "STOP_WAIT")).plus(after);
        return stops.toSeconds();
    }

    static Duration springShutdownPhase(String yaml) {
        Object v = new org.yaml.snakeyaml.Yaml().<Map<String, Object>>load(yaml);
        for (String key : List.of("spring", "lifecycle", "timeout-per-shutdown-phase")) {
            v = v instanceof Map<?, ?> m ? m.get(key) : null;
        }
        return v == null ? null : DurationStyle.detectAndParse(v.toString());
    }

    static Duration constant(String className, String field) throws ReflectiveOperationException {
        java.lang.reflect.Field f = Class.forName(className).getDeclaredField(field);
        f.setAccessible(true);
        return (Duration) f.get(null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"values.yaml", "values-staging.yaml", "values-prod.yaml"})
    void theGracePeriodCoversThePreStopSleepAndEveryStopPhase(String valuesFile) throws Exception {
        Chart.Rendered r = Chart.render(valuesFile);
        String env = (String) r.values().get("env");
        String podConfig = (String) map(r.named("ConfigMap", Chart.RELEASE + "-config"), "data").get(env + ".yaml");
        long stops = stopPhasesSeconds(podConfig);
        assertThat(stops).as("20 s twice, 12, 17 and 22 s today").isGreaterThanOrEqualTo(91);
        for (Map<String, Object> d : deployments(r)) {
            List<Object> preStop = cast(map(container(d), "lifecycle.preStop.exec").get("command"));
            assertThat(preStop).hasSize(2).first().isEqualTo("sleep");
            long sleep = Long.parseLong((String) preStop.get(1));
            assertThat(sleep).as("endpoint removal needs time to reach the load balancers").isGreaterThanOrEqualTo(15);
            long grace = ((Number) map(d, "spec.template.spec").get("terminationGracePeriodSeconds")).longValue();
            assertThat(grace).as("grace period of %s: the preStop sleep %d s and the stop phases %d s",
                    map(d, "metadata").get("name"), sleep, stops).isGreaterThanOrEqualTo(sleep + stops);
        }
    }

    @SuppressWarnings("unchecked")
    static <T> T cast(Object o) {
        return (T) o;
    }

    @Test
    void aGracePeriodShorterThanTheStopPhasesIsRefused() {
        assertThatThrownBy(() -> Chart.render("values-prod.yaml", "terminationGracePeriodSeconds", "45"))
                .hasMessageContaining("shorter than the preStop sleep and the stop phases");
        assertThat(map(Chart.render("values-prod.yaml", "terminationGracePeriodSeconds", "300")
                .named("StatefulSet", TRAINER), "spec.template.spec")).containsEntry("terminationGracePeriodSeconds", 300);
    }

    @Test
    void schedulingIsSetPerRole() {
        Chart.Rendered r = Chart.render("values-prod.yaml",
                "trainer.nodeSelector.pool", "training",
                "trainer.tolerations[0].key", "training", "trainer.tolerations[0].operator", "Exists",
                "trainer.priorityClassName", "batch",
                "serving.nodeSelector.pool", "serving",
                "serving.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight", "1",
                "serving.priorityClassName", "storefront",
                "envFrom[0].configMapRef.name", "extra",
                "extraVolumes[0].name", "cache", "extraVolumes[0].emptyDir.sizeLimit", "1Gi",
                "extraVolumeMounts[0].name", "cache", "extraVolumeMounts[0].mountPath", "/cache");
        Map<String, Object> trainer = map(r.named("StatefulSet", TRAINER), "spec.template.spec");
        Map<String, Object> serving = map(r.named("Deployment", SERVING), "spec.template.spec");
        assertThat(map(trainer, "nodeSelector")).containsExactly(Map.entry("pool", "training"));
        assertThat(map(serving, "nodeSelector")).containsExactly(Map.entry("pool", "serving"));
        assertThat(list(trainer, "tolerations")).singleElement().satisfies(t -> assertThat(t).containsEntry("key", "training"));
        assertThat(serving).doesNotContainKey("tolerations");
        assertThat(trainer).containsEntry("priorityClassName", "batch").doesNotContainKey("affinity");
        assertThat(serving).containsEntry("priorityClassName", "storefront").containsKey("affinity");
        for (Map<String, Object> pod : List.of(trainer, serving)) {
            Map<String, Object> c = list(pod, "containers").get(0);
            assertThat(list(c, "envFrom")).singleElement().satisfies(e -> assertThat(map(e, "configMapRef")).containsEntry("name", "extra"));
            assertThat(list(c, "volumeMounts")).anySatisfy(m -> assertThat(m).containsEntry("mountPath", "/cache"));
            assertThat(list(pod, "volumes")).anySatisfy(v -> assertThat(v).containsEntry("name", "cache"));
        }
    }

    @Test
    void namesFollowNameOverrideAndFullnameOverride() {
        Chart.Rendered full = Chart.render("values-prod.yaml", "fullnameOverride", "recs");
        assertThat(full.ofKind("StatefulSet")).extracting(m -> map(m, "metadata").get("name")).containsExactly("recs-trainer");
        assertThat(map(full.named("StatefulSet", "recs-trainer"), "spec.template.spec").get("serviceAccountName"))
                .isEqualTo("recs-trainer");
        full.named("Service", "recs-management");
        Chart.Rendered name = Chart.render("values-prod.yaml", "nameOverride", "recs");
        Map<String, Object> trainer = name.named("StatefulSet", "partrec-recs-trainer");
        assertThat(map(trainer, "spec.selector.matchLabels")).containsEntry("app.kubernetes.io/name", "recs");
    }

    @Test
    void theManagementPortIsOpenOnlyToTheScrapers() throws IOException {
        Chart.Rendered r = Chart.render("values-prod.yaml");
        Map<String, Object> np = r.named("NetworkPolicy", Chart.RELEASE);
        for (Map<String, Object> d : deployments(r)) {
            assertThat(selects(map(np, "spec.podSelector.matchLabels"), map(d, "spec.template.metadata.labels"))).isTrue();
        }
        List<Map<String, Object>> rules = list(np, "spec.ingress");
        Map<String, Object> management = rules.stream()
                .filter(x -> list(x, "ports").stream().anyMatch(p -> "management".equals(p.get("port")))).findFirst().orElseThrow();
        assertThat(list(management, "ports")).hasSize(1);
        assertThat(list(management, "from")).isNotEmpty().allSatisfy(f -> assertThat(f).containsKey("namespaceSelector"));
        Map<String, Object> api = rules.stream()
                .filter(x -> list(x, "ports").stream().anyMatch(p -> "http".equals(p.get("port")))).findFirst().orElseThrow();
        assertThat(api).as("the API from anywhere").doesNotContainKey("from");
        Path empty = Files.createTempFile("partrec-values", ".yaml");
        try {
            Files.writeString(empty, "networkPolicy:\n  managementFrom: []\n");
            String text = new Helm(Chart.DIR).template().withName(Chart.RELEASE).withNamespace(Chart.NAMESPACE)
                    .withValuesFile(Chart.DIR.resolve("values-prod.yaml")).withValuesFile(empty)
                    .set("image.tag", Chart.IMAGE_TAG).call();
            String policy = text.substring(text.indexOf("kind: NetworkPolicy"));
            policy = policy.substring(0, policy.indexOf("\n---") < 0 ? policy.length() : policy.indexOf("\n---"));
            assertThat(policy).as("an empty list must not open 8081 to all").doesNotContain("port: management")
                    .contains("port: http");
        } finally {
            Files.delete(empty);
        }
        assertThat(Chart.render("values-prod.yaml", "networkPolicy.enabled", "false").ofKind("NetworkPolicy")).isEmpty();
    }

    @Test
    void anIngressAndServiceAnnotationsWhenAsked() {
        assertThat(Chart.render("values-prod.yaml").ofKind("Ingress")).isEmpty();
        Chart.Rendered r = Chart.render("values-prod.yaml", "ingress.enabled", "true", "ingress.className", "gce",
                "ingress.hosts[0].host", "recs.example.com", "ingress.hosts[0].paths[0].path", "/",
                "ingress.hosts[0].paths[0].pathType", "Prefix",
                "service.annotations.networking\\.gke\\.io/load-balancer-type", "Internal");
        Map<String, Object> ingress = r.named("Ingress", Chart.RELEASE);
        assertThat(map(ingress, "spec")).containsEntry("ingressClassName", "gce");
        Map<String, Object> path = list(list(ingress, "spec.rules").get(0), "http.paths").get(0);
        assertThat(map(path, "backend.service")).containsEntry("name", Chart.RELEASE);
        assertThat(map(path, "backend.service.port")).containsEntry("name", "http");
        assertThat(map(r.named("Service", Chart.RELEASE), "metadata.annotations"))
                .containsEntry("networking.gke.io/load-balancer-type", "Internal");
    }

    @ParameterizedTest
    @ValueSource(strings = {"image.digest=latest", "serving.replicas=0", "noSuchKey=1", "env=Prod",
        "podDisruptionBudget.unhealthyPodEvictionPolicy=Sometimes", "serviceAccount.trainer.gcpServiceAccount=partrec",
        "metrics.alerts.restartWindow=30 minutes", "shutdown.httpDrain=-1", "eventsTopic=", "eventsTopic=9events",
        "eventsTopic=projects/p/topics/t"})
    void theSchemaRefusesABadValue(String set) {
        String[] kv = set.split("=", 2);
        assertThatThrownBy(() -> Chart.render("values-prod.yaml", kv[0], kv[1])).hasMessageContaining("schema");
    }

    @Test
    void theSchemaCoversEveryValueOfEveryValuesFile() throws IOException {
        JsonNode schema = new ObjectMapper().readTree(Chart.DIR.resolve("values.schema.json").toFile());
        for (String f : VALUES_FILES) {
            assertCovered(schema, Chart.values(f), f);
        }
    }

    /** Every key of the values is a property of the schema (which refuses unknown keys), down to free-form maps. */
    static void assertCovered(JsonNode schema, Map<String, Object> values, String where) {
        for (Map.Entry<String, Object> e : values.entrySet()) {
            JsonNode property = schema.path("properties").path(e.getKey());
            if (property.isMissingNode()) {
                assertThat(schema.path("additionalProperties").isObject())
                        .as("%s.%s is not in values.schema.json", where, e.getKey()).isTrue();
                continue;
            }
            if (e.getValue() instanceof Map<?, ?> m && property.has("properties")) {
                assertThat(property.path("additionalProperties").asBoolean(true)).as(where + "." + e.getKey()).isFalse();
                assertCovered(property, cast(m), where + "." + e.getKey());
            }
        }
    }

    /**
     * Writes the prod alert rules, as the chart renders them, to {@code target/promtool} for
     * {@code promtool test rules helm/partrec/tests/rules-test.yaml}, and checks that the rules
     * test covers every alert with a case where it fires.
     */
    @Test
    void theRulesTestCoversEveryAlertAndGetsTheRenderedRules() throws IOException {
        Map<String, Object> rule = Chart.render("values-prod.yaml", Chart.OPERATOR_API).named("PrometheusRule", Chart.RELEASE);
        Path out = Path.of("target/promtool/partrec-rules.yaml");
        Files.createDirectories(out.getParent());
        Files.writeString(out, new org.yaml.snakeyaml.Yaml().dump(map(rule, "spec")));
        Path test = Chart.DIR.resolve("tests/rules-test.yaml");
        Map<String, Object> t = new org.yaml.snakeyaml.Yaml().load(Files.readString(test));
        List<String> files = cast(t.get("rule_files"));
        assertThat(files).singleElement().satisfies(f -> assertThat(test.getParent().resolve(f).normalize())
                .isEqualTo(out.normalize()));
        Set<String> firing = new TreeSet<>();
        for (Map<String, Object> c : list(t, "tests")) {
            for (Map<String, Object> a : list(c, "alert_rule_test")) {
                if (!list(a, "exp_alerts").isEmpty()) {
                    firing.add((String) a.get("alertname"));
                }
            }
        }
        assertThat(firing).as("alerts with a firing case in " + test)
                .containsAll(rules(rule).stream().map(x -> (String) x.get("alert")).toList());
    }
}
