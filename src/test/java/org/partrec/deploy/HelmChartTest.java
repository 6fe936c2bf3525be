package org.partrec.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.partrec.deploy.Chart.list;
import static org.partrec.deploy.Chart.map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Helm chart ({@code helm/partrec}), linted and rendered through helm-java with each values
 * file: probes on the actuator's health groups, the pods' security context, one trainer and
 * serving replicas that do not train, no secret in any manifest, and the config files that the
 * pods read equal to the project's {@code configs/}.
 */
class HelmChartTest {

    static final Set<String> HEALTH_GROUPS = Set.of("/actuator/health/liveness", "/actuator/health/readiness");
    /** The same groups on the API port (Spring Boot's additional probe paths). */
    static final Set<String> API_HEALTH_GROUPS = Set.of("/livez", "/readyz");
    static final String TRAINER = Chart.RELEASE + "-trainer";
    static final String SERVING = Chart.RELEASE + "-serving";

    static List<Map<String, Object>> deployments(Chart.Rendered r) {
        List<Map<String, Object>> d = r.ofKind("Deployment");
        assertThat(d).as("Deployments rendered with " + r.valuesFile()).isNotEmpty();
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
        Map<String, Object> trainer = r.named("Deployment", TRAINER);
        assertThat(map(trainer, "spec").get("replicas")).isEqualTo(1);
        assertThat(map(trainer, "spec.strategy").get("type")).as("never two trainers at once").isEqualTo("Recreate");
        assertThat(env(container(trainer), "PARTREC_TRAINING_ENABLED")).isEqualTo("true");
        assertThat(deployments(r)).extracting(d -> map(d, "metadata").get("name")).isSubsetOf(TRAINER, SERVING);
        Map<String, Object> values = r.values();
        boolean serving = (Boolean) map(values, "serving").get("enabled");
        assertThat(serving).as("serving replicas with " + valuesFile).isEqualTo(!valuesFile.equals("values.yaml"));
        if (!serving) {
            assertThat(r.ofKind("HorizontalPodAutoscaler")).isEmpty();
            return;
        }
        Map<String, Object> s = r.named("Deployment", SERVING);
        assertThat(env(container(s), "PARTREC_TRAINING_ENABLED")).isEqualTo("false");
        Map<String, Object> hpa = r.named("HorizontalPodAutoscaler", SERVING);
        assertThat(map(hpa, "spec.scaleTargetRef")).containsEntry("kind", "Deployment").containsEntry("name", SERVING);
        assertThat(map(hpa, "spec").get("minReplicas")).isEqualTo(map(values, "autoscaling").get("minReplicas"));
        assertThat(map(hpa, "spec").get("maxReplicas")).isEqualTo(map(values, "autoscaling").get("maxReplicas"));
        assertThat(list(hpa, "spec.metrics")).singleElement()
                .satisfies(m -> assertThat(map(m, "resource").get("name")).isEqualTo("cpu"));
        assertThat(map(s, "spec")).as("the HPA owns the replica count").doesNotContainKey("replicas");
        Map<String, Object> pdb = r.named("PodDisruptionBudget", SERVING);
        assertThat(selects(map(pdb, "spec.selector.matchLabels"), map(s, "spec.template.metadata.labels"))).isTrue();
        assertThat(selects(map(pdb, "spec.selector.matchLabels"), map(trainer, "spec.template.metadata.labels")))
                .isFalse();
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
        Chart.Rendered r = Chart.render(valuesFile, "metrics.serviceMonitor.enabled", "true");
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
            assertThat(map(d, "spec.template.spec").get("serviceAccountName")).isEqualTo(Chart.RELEASE);
        }
        Map<String, Object> sa = r.named("ServiceAccount", Chart.RELEASE);
        String gsa = (String) map(r.values(), "gcp").get("serviceAccount");
        if (!gsa.isEmpty()) {
            assertThat(map(sa, "metadata.annotations")).containsEntry("iam.gke.io/gcp-service-account", gsa);
        }
        Map<String, Object> sm = r.named("ServiceMonitor", Chart.RELEASE);
        assertThat(map(list(sm, "spec.endpoints").get(0), "authorization.credentials"))
                .containsEntry("name", opsToken.get("secretName")).containsEntry("key", opsToken.get("secretKey"));
    }

    @Test
    void stagingAndProdActAsTheGoogleServiceAccountOfTheirValues() {
        assertThat(map(Chart.render("values-prod.yaml").named("ServiceAccount", Chart.RELEASE), "metadata.annotations"))
                .containsEntry("iam.gke.io/gcp-service-account", "partrec@partrec-prod.iam.gserviceaccount.com");
        Map<String, Object> trainer = Chart.render("values-staging.yaml").named("Deployment", TRAINER);
        assertThat(env(container(trainer), "GCP_PROJECT")).isEqualTo("partrec-staging");
        assertThat(env(container(trainer), "PARTREC_MODEL_BUCKET")).isEqualTo("partrec-staging-models");
    }

    @Test
    void theServiceMonitorScrapesPrometheusOnTheManagementServiceOnly() {
        Chart.Rendered r = Chart.render("values-staging.yaml");
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
        assertThat(Chart.render("values.yaml").ofKind("PrometheusRule")).isEmpty();
        assertThat(Chart.render("values.yaml").ofKind("ServiceMonitor")).isEmpty();
        assertThat(Chart.render("values.yaml", "metrics.prometheusRule.enabled", "true").ofKind("PrometheusRule"))
                .hasSize(1);
        assertThat(Chart.render("values-staging.yaml", "metrics.prometheusRule.enabled", "false")
                .ofKind("PrometheusRule")).isEmpty();
        Map<String, Object> rule = Chart.render("values-prod.yaml").named("PrometheusRule", Chart.RELEASE);
        List<Map<String, Object>> rules = list(list(rule, "spec.groups").get(0), "rules");
        assertThat(rules).extracting(x -> x.get("alert")).contains("PartrecModelStale", "PartrecTrainingRunsFailing",
                "PartrecApiLatencyHigh", "PartrecTargetFlapping", "PartrecExportFailing");
        Map<String, Object> stale = rules.stream().filter(x -> "PartrecModelStale".equals(x.get("alert")))
                .findFirst().orElseThrow();
        assertThat((String) stale.get("expr")).contains("job=\"partrec-management\"", "namespace=\"partrec\"",
                "> 12 * 3600");
        assertThat(map(stale, "annotations").get("summary")).asString().contains("{{ $labels.pod }}");
    }

    @Test
    void theDashboardConfigMapCarriesTheDashboardForGrafanasSidecar() throws IOException {
        Map<String, Object> cm = Chart.render("values.yaml").named("ConfigMap", Chart.RELEASE + "-dashboard");
        assertThat(map(cm, "metadata.labels")).containsEntry("grafana_dashboard", "1");
        String json = (String) map(cm, "data").get("partrec.json");
        String file = Files.readString(Chart.DIR.resolve("dashboards/partrec.json"));
        assertThat(json.strip()).isEqualTo(file.strip());
        assertThat(new ObjectMapper().readTree(json).get("uid").asText()).isEqualTo("partrec");
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
    void anEnvWithoutAConfigFileIsRefused() {
        assertThatThrownBy(() -> Chart.render("values.yaml", "env", "qa"))
                .hasMessageContaining("files/configs/qa.yaml");
    }
}
