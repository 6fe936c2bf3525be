package org.partrec.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.partrec.serve.Snapshot;
import org.partrec.app.OnTempStore;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Every metric the Grafana dashboard ({@code helm/partrec/dashboards/partrec.json}) and the alert
 * rules (the rendered PrometheusRule) query is one the service exposes on
 * {@code /actuator/prometheus}, after a trained model serves and each API endpoint has answered.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "partrec.demo.customers=2000", "partrec.demo.parts=800",
    "partrec.demo.events=40000", "partrec.training.factors=16", "partrec.training.threads=2",
    "partrec.ops.token=test-token",
    // one rule, so that the rules' series exist (each rule's hit counter is registered with it)
    "partrec.rules.list[0].name=dashboard", "partrec.rules.list[0].action=bury",
    "partrec.rules.list[0].in-stock=false", "partrec.rules.list[0].factor=0.9"})
@AutoConfigureObservability // Spring Boot leaves /actuator/prometheus out of tests unless asked
class DashboardMetricsTest extends OnTempStore {

    /** Series Prometheus makes itself, not the service. */
    static final Set<String> PROMETHEUS_OWN = Set.of("up");
    /**
     * Series of the cluster, not the service: the kubelet's cAdvisor and kube-state-metrics (both
     * scraped by kube-prometheus-stack and by GKE Managed Prometheus' kube-state-metrics package),
     * for the dashboard's memory, restarts and OOM kills panels.
     */
    static final Set<String> KUBERNETES_OWN = Set.of("container_memory_working_set_bytes",
            "kube_pod_container_resource_limits", "kube_pod_container_status_restarts_total",
            "kube_pod_container_status_last_terminated_reason");

    /** What Prometheus sends when it scrapes (it prefers OpenMetrics). */
    static final String PROMETHEUS_ACCEPT = "application/openmetrics-text;version=1.0.0;q=0.75,"
            + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    static final Set<String> NOT_METRICS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "bool", "and", "or", "unless", "offset", "inf", "nan", "atan2");
    static final Pattern TOKEN = Pattern.compile(
            "(\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)|([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");
    static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([^,]+),");


    final HttpClient http = HttpClient.newHttpClient();

    /**
     * The metric names of a PromQL expression: strings, label matchers, ranges, grouping label
     * lists, offsets and Grafana variables removed; then every identifier that is not a function or
     * aggregation (followed by a parenthesis) nor a keyword.
     */
    static Set<String> metricNames(String expr) {
        String s = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
                .replaceAll("\\$\\{?\\w+(?::\\w+)?}?", " ")
                .replaceAll("\\{[^}]*\\}", " ")
                .replaceAll("\\[[^\\]]*\\]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("\\boffset\\s+-?\\w+", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = TOKEN.matcher(s);
        while (m.find()) {
            if (m.group(2) != null && m.group(3) == null && !NOT_METRICS.contains(m.group(2).toLowerCase())) {
                names.add(m.group(2));
            }
        }
        return names;
    }

    @Test
    void metricNamesLeaveOutFunctionsLabelsKeywordsAndVariables() {
        assertThat(metricNames("histogram_quantile(0.99, sum by (le, uri) (rate(http_server_requests_seconds_bucket"
                + "{job=~\"$job\", uri=~\"/recommendations.*\"}[$__rate_interval]))) > bool 1e3 * 3600"))
                .containsExactly("http_server_requests_seconds_bucket");
        assertThat(metricNames("sum(increase(a_total{outcome=~\"failed|rejected\"}[12h])) / on(job) group_left "
                + "sum(b_count offset 1h) unless changes(up{job=\"x\"}[15m]) >= 4"))
                .containsExactly("a_total", "b_count", "up");
        assertThat(metricNames("max by (pod) (partrec_model_age_seconds) > 24 * 3600 and partrec_model_trained == 0"))
                .containsExactly("partrec_model_age_seconds", "partrec_model_trained");
    }

    /** Every PromQL expression of the dashboard: panel targets and template variable queries. */
    static List<String> dashboardExpressions() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(Chart.DIR.resolve("dashboards/partrec.json").toFile());
        List<String> out = new ArrayList<>();
        for (JsonNode expr : dashboard.findValues("expr")) {
            out.add(expr.asText());
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            JsonNode q = variable.path("query");
            String query = q.isObject() ? q.path("query").asText() : q.asText();
            Matcher m = LABEL_VALUES.matcher(query);
            if (variable.path("type").asText().equals("query") && m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    /** Every alert expression of the PrometheusRule the chart renders for prod. */
    static List<String> alertExpressions() {
        Map<String, Object> rule = Chart.render("values-prod.yaml", Chart.OPERATOR_API).named("PrometheusRule", Chart.RELEASE);
        List<String> out = new ArrayList<>();
        for (Map<String, Object> group : Chart.list(rule, "spec.groups")) {
            for (Map<String, Object> r : Chart.list(group, "rules")) {
                out.add((String) r.get("expr"));
            }
        }
        return out;
    }

    /** Sample names as Prometheus stores them (a histogram's _bucket, _count, _sum; a counter's _total). */
    /** The text of the last scrape. */
    String lastScrape = "";

    Set<String> scrape() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort
                + "/actuator/prometheus")).header("Authorization", "Bearer test-token")
                .header("Accept", PROMETHEUS_ACCEPT).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        lastScrape = r.body();
        Set<String> names = new TreeSet<>();
        for (String line : r.body().split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    /** The body of the last GET. */
    String lastBody = "";

    void get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + " -> " + r.body()).isEqualTo(200);
        lastBody = r.body();
    }

    void post(String path, String json) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + " -> " + r.body()).isEqualTo(200);
    }

    @Test
    void everyMetricOfTheDashboardAndTheAlertsIsExposed() throws Exception {
        Map<String, Set<String>> wanted = new TreeMap<>();
        for (String e : dashboardExpressions()) {
            metricNames(e).forEach(n -> wanted.computeIfAbsent(n, x -> new TreeSet<>()).add("dashboard"));
        }
        for (String e : alertExpressions()) {
            metricNames(e).forEach(n -> wanted.computeIfAbsent(n, x -> new TreeSet<>()).add("alerts"));
        }
        assertThat(wanted).containsKeys("http_server_requests_seconds_bucket", "http_server_requests_seconds_count",
                "partrec_answers_total", "partrec_model_info", "partrec_model_age_seconds", "partrec_model_metric",
                "partrec_training_step_seconds_sum", "partrec_training_runs_total", "partrec_export_runs_total",
                "partrec_export_last_success_timestamp_seconds", "partrec_impressions_total",
                "partrec_attributed_events_total", "partrec_attributed_revenue_total",
                "jvm_memory_used_bytes", "jvm_gc_pause_seconds_sum", "up", "process_start_time_seconds",
                "container_memory_working_set_bytes", "kube_pod_container_status_last_terminated_reason");
        assertThat(wanted.keySet().stream().filter(n -> n.startsWith("kube_") || n.startsWith("container_")))
                .as("cluster series are listed as such").allMatch(KUBERNETES_OWN::contains);
        PROMETHEUS_OWN.forEach(wanted::remove);
        KUBERNETES_OWN.forEach(wanted::remove);

        awaitTrainedModel();
        Snapshot s = serving.current().orElseThrow();
        get("/recommendations/" + s.users().idOf(0) + "?limit=5");
        get("/recommendations/NO-SUCH-CUSTOMER?limit=5"); // the popular list
        post("/recommendations?limit=5", "{\"items\": [\"" + s.items().idOf(0) + "\"]}");
        get("/similar/" + s.items().idOf(0) + "?limit=5");
        // a view and a purchase posted with that answer's id: the attributed counters
        JsonNode answer = new ObjectMapper().readTree(lastBody);
        String item = answer.path("items").get(0).path("itemId").asText();
        String event = "{\"userId\":\"C-dashboard\",\"itemId\":\"" + item + "\",\"timestamp\":\""
                + java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "\",\"recommendationId\":\""
                + answer.path("recommendationId").asText() + "\",";
        post("/events", "{\"events\":[" + event + "\"eventId\":\"dashboard-1\",\"type\":\"view\"}," + event
                + "\"eventId\":\"dashboard-2\",\"type\":\"purchase\"}]}");
        System.gc(); // a collection, so that jvm_gc_pause_seconds has a sample

        // the export runs on a thread of its own after the promotion: its counters may come later
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Set<String> exposed = scrape();
        while (!exposed.containsAll(wanted.keySet()) && System.nanoTime() < until) {
            Thread.sleep(500);
            exposed = scrape();
        }
        Map<String, Set<String>> missing = new TreeMap<>(wanted);
        missing.keySet().removeAll(exposed);
        assertThat(missing).as("queried but not exposed (metric -> where)").isEmpty();
        // the gate's measure of the serving index against the exact scan (the norm-ordered index is exact)
        assertThat(lastScrape.lines().filter(l -> l.startsWith("partrec_model_metric{")
                && l.contains("metric=\"hnsw_recall@10\""))).singleElement().asString().endsWith(" 1.0");
        assertThat(lastScrape.lines().filter(l -> l.startsWith("partrec_model_metric{")
                && l.contains("metric=\"similar_recall@10\""))).as("exposed, not measured for an exact cosine search")
                .singleElement().asString().endsWith(" NaN");
    }

    void awaitTrainedModel() throws InterruptedException {
        org.partrec.app.FirstModel.await(serving);
    }
}
