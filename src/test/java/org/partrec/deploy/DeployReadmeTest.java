package org.partrec.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.partrec.deploy.Chart.map;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The README's deploy sequence (the {@code sh} block of "## Deployment"), checked where it cannot
 * be run (no cluster, no Google Cloud on the build machines): it parses as shell, and every name
 * in it is the one the chart, its prod values and {@code configs/prod.yaml} use.
 */
class DeployReadmeTest {

    static List<String> commands;
    static Map<String, String> vars;

    @BeforeAll
    static void readTheSequence() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int from = readme.indexOf("\n## Deployment\n");
        String section = readme.substring(from, readme.indexOf("\n## ", from + 1));
        Matcher block = Pattern.compile("```sh\n(.*?)```", Pattern.DOTALL).matcher(section);
        assertThat(block.find()).as("an sh block in ## Deployment").isTrue();
        script = block.group(1);
        assertThat(block.find()).as("one sequence, not several").isFalse();
        commands = new ArrayList<>();
        vars = new LinkedHashMap<>();
        for (String line : script.replace("\\\n", " ").split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher assignment = Pattern.compile("^([A-Z_]+)=(\\S+)$").matcher(line);
            if (assignment.matches()) {
                vars.put(assignment.group(1), expand(assignment.group(2)));
            } else {
                commands.add(expand(line));
            }
        }
    }

    static String script;

    /** The line with the sequence's own variables replaced by their values. */
    static String expand(String line) {
        String out = line;
        for (Map.Entry<String, String> v : vars.entrySet()) {
            out = out.replace("$" + v.getKey(), v.getValue());
        }
        return out;
    }

    static List<String> starting(String prefix) {
        List<String> c = commands.stream().filter(x -> x.startsWith(prefix)).toList();
        assertThat(c).as("commands starting with " + prefix).isNotEmpty();
        return c;
    }

    static String only(String prefix) {
        List<String> c = starting(prefix);
        assertThat(c).as(prefix).hasSize(1);
        return c.get(0);
    }

    static final Map<String, Object> PROD = Chart.values("values-prod.yaml");

    static Map<String, Object> prodConfig() throws IOException {
        return new Yaml().load(Files.readString(Path.of("configs/prod.yaml")));
    }

    @Test
    void theSequenceParsesAsShell() throws Exception {
        Path bash = Path.of("/bin/bash");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(bash), "no bash here");
        Process p = new ProcessBuilder(bash.toString(), "-n").redirectErrorStream(true).start();
        p.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    @Test
    void theProjectBucketDatasetAndImageAreTheValuesAndConfigs() throws IOException {
        Map<String, Object> gcp = map(PROD, "gcp");
        assertThat(vars.get("PROJECT")).isEqualTo(gcp.get("project"));
        assertThat(only("gcloud config set project")).endsWith(" " + gcp.get("project"));
        assertThat(only("gcloud storage buckets create")).contains("gs://" + PROD.get("modelBucket") + " ");
        Map<String, Object> warehouse = map(prodConfig(), "partrec.warehouse");
        String location = (String) map(warehouse, "bigquery").get("location");
        assertThat(only("bq --location=")).isEqualTo("bq --location=" + location + " mk --dataset "
                + gcp.get("project") + ":" + warehouse.get("dataset"));
        assertThat(only("gcloud storage buckets create")).contains("--location=" + location);
        String image = (String) map(PROD, "image").get("repository");
        assertThat(vars.get("IMAGE")).isEqualTo(image);
        String[] path = image.split("/");
        assertThat(only("gcloud artifacts repositories create")).isEqualTo("gcloud artifacts repositories create "
                + path[2] + " --repository-format=docker --location=" + path[0].replace("-docker.pkg.dev", ""));
        assertThat(only("gcloud builds submit")).isEqualTo("gcloud builds submit --tag " + image + ":$TAG .");
    }

    @Test
    void eachRoleHasItsGoogleServiceAccountWithOnlyItsRoles() {
        Map<String, Object> accounts = map(PROD, "serviceAccount");
        String trainer = (String) map(accounts, "trainer").get("gcpServiceAccount");
        String serving = (String) map(accounts, "serving").get("gcpServiceAccount");
        Set<String> created = new TreeSet<>();
        for (String c : starting("gcloud iam service-accounts create ")) {
            created.add(c.split(" ")[4] + "@" + vars.get("PROJECT") + ".iam.gserviceaccount.com");
        }
        assertThat(created).containsExactlyInAnyOrder(trainer, serving);
        String bucket = "gs://" + PROD.get("modelBucket");
        assertThat(starting("gcloud storage buckets add-iam-policy-binding " + bucket)).containsExactlyInAnyOrder(
                "gcloud storage buckets add-iam-policy-binding " + bucket + " --member=serviceAccount:" + trainer
                        + " --role=roles/storage.objectAdmin",
                "gcloud storage buckets add-iam-policy-binding " + bucket + " --member=serviceAccount:" + serving
                        + " --role=roles/storage.objectViewer",
                "gcloud storage buckets add-iam-policy-binding " + bucket + " --member=serviceAccount:" + serving
                        + " --role=roles/storage.objectUser --condition='expression=resource.name.startsWith("
                        + "\"projects/_/buckets/" + PROD.get("modelBucket") + "/objects/experiments/\"),"
                        + "title=partrec-experiment-tallies'");
        List<String> servingGrants = commands.stream().filter(c -> c.contains(serving)
                && !c.contains("workloadIdentityUser") && !c.contains("service-accounts create")).toList();
        assertThat(servingGrants).as("serving reads the bucket, writes its tallies, appends posted events and fans"
                + " them out, nothing else").hasSize(4)
                .noneMatch(c -> c.contains("ON SCHEMA") || c.contains("objectAdmin") || c.contains("jobUser"));
        assertThat(servingGrants).contains("gcloud projects add-iam-policy-binding " + vars.get("PROJECT")
                + " --member=serviceAccount:" + serving + " --role=" + FANOUT_ROLE);
        assertThat(starting("gcloud projects add-iam-policy-binding")).filteredOn(c -> c.contains(trainer))
                .singleElement().asString().contains("--role=roles/bigquery.jobUser");
        List<String> grants = starting("bq query");
        assertThat(grants).hasSize(2);
        assertThat(grants.get(0)).contains("roles/bigquery.dataEditor", "ON SCHEMA",
                vars.get("PROJECT") + ".partrec\\`", "serviceAccount:" + trainer);
        assertThat(grants.get(1)).contains("roles/bigquery.dataEditor", "ON TABLE",
                vars.get("PROJECT") + ".partrec.storefront_events\\`", "serviceAccount:" + serving);
    }

    /** What a replica does on Pub/Sub (messaging.PubSubFanout): publish, and its own subscription from start to stop. */
    static final Set<String> FANOUT_PERMISSIONS = Set.of("pubsub.topics.publish", "pubsub.topics.attachSubscription",
            "pubsub.subscriptions.create", "pubsub.subscriptions.consume", "pubsub.subscriptions.delete");
    static final String FANOUT_ROLE = "projects/" + map(PROD, "gcp").get("project") + "/roles/partrecEventsFanout";

    /**
     * The topic the replicas fan events out through is the one of the values, in the project, and
     * the custom role the serving account gets holds exactly what the fan-out does: publishing to
     * the topic and a subscription of its own (made, read, deleted); it can neither make nor
     * delete topics.
     */
    @Test
    void theEventsTopicIsTheValuesAndTheServingRoleOnlyWhatTheFanoutDoes() throws IOException {
        assertThat(only("gcloud services enable")).contains(" pubsub.googleapis.com");
        assertThat(only("gcloud pubsub topics create")).isEqualTo("gcloud pubsub topics create " + PROD.get("eventsTopic"));
        Map<String, Object> fanout = map(prodConfig(), "partrec.events.fanout");
        assertThat(fanout).containsEntry("type", "pubsub");
        String role = only("gcloud iam roles create partrecEventsFanout ");
        assertThat(role).contains(" --project=" + vars.get("PROJECT") + " ");
        Matcher permissions = Pattern.compile("--permissions=(\\S+)").matcher(role);
        assertThat(permissions.find()).isTrue();
        assertThat(Set.of(permissions.group(1).split(","))).isEqualTo(FANOUT_PERMISSIONS);
        assertThat(commands.indexOf(role)).as("the role exists before it is bound")
                .isLessThan(commands.indexOf(starting("gcloud projects add-iam-policy-binding").stream()
                        .filter(c -> c.contains(FANOUT_ROLE)).findFirst().orElseThrow()));
        String values = Files.readString(Chart.DIR.resolve("values.yaml"));
        assertThat(values).as("values.yaml names what the serving account needs").contains(FANOUT_PERMISSIONS)
                .contains("partrecEventsFanout");
    }

    @Test
    void workloadIdentityBindsTheServiceAccountsTheChartRenders() {
        String namespace = vars.get("NAMESPACE");
        String release = vars.get("RELEASE");
        Map<String, String> renderedFor = new LinkedHashMap<>();
        Chart.Rendered r = Chart.render("values-prod.yaml");
        for (Map<String, Object> sa : r.ofKind("ServiceAccount")) {
            renderedFor.put((String) map(sa, "metadata").get("name"),
                    (String) map(sa, "metadata.annotations").get("iam.gke.io/gcp-service-account"));
        }
        assertThat(release).as("the tests render release " + Chart.RELEASE).isEqualTo(Chart.RELEASE);
        List<String> bindings = starting("gcloud iam service-accounts add-iam-policy-binding ");
        assertThat(bindings).hasSameSizeAs(renderedFor.keySet());
        for (Map.Entry<String, String> sa : renderedFor.entrySet()) {
            assertThat(bindings).contains("gcloud iam service-accounts add-iam-policy-binding " + sa.getValue()
                    + " --role=roles/iam.workloadIdentityUser --member=\"serviceAccount:" + vars.get("PROJECT")
                    + ".svc.id.goog[" + namespace + "/" + sa.getKey() + "]\"");
        }
    }

    @Test
    void theSecretAndTheReleaseAreInOneNamespaceWithTheChartsNames() {
        String namespace = vars.get("NAMESPACE");
        for (String c : commands) {
            if (c.startsWith("kubectl ") || c.startsWith("helm ")) {
                assertThat(c).as("a namespace on every kubectl and helm command")
                        .containsAnyOf(" -n " + namespace + " ", " namespace " + namespace);
            }
        }
        Map<String, Object> token = map(PROD, "opsToken");
        assertThat(only("kubectl -n " + namespace + " create secret generic")).isEqualTo("kubectl -n " + namespace
                + " create secret generic " + token.get("secretName") + " --from-literal=" + token.get("secretKey")
                + "=\"$(openssl rand -hex 32)\"");
        String helm = only("helm upgrade --install ");
        assertThat(helm).startsWith("helm upgrade --install " + vars.get("RELEASE") + " helm/partrec -n " + namespace
                + " -f helm/partrec/values-prod.yaml ");
        assertThat(Chart.DIR.resolve("values-prod.yaml")).exists();
        Matcher set = Pattern.compile("--set ([^=]+)=(\\S+)").matcher(helm);
        Map<String, String> sets = new LinkedHashMap<>();
        while (set.find()) {
            sets.put(set.group(1), set.group(2));
        }
        assertThat(sets).containsOnlyKeys("image.repository", "image.tag")
                .containsEntry("image.repository", vars.get("IMAGE")).containsEntry("image.tag", "$TAG");
        for (String key : sets.keySet()) {
            assertThat(map(Chart.values("values.yaml"), key.substring(0, key.lastIndexOf('.'))))
                    .as(key + " is a value of the chart").containsKey(key.substring(key.lastIndexOf('.') + 1));
        }
        assertThat(script).contains("TAG=$(git rev-parse");
        Chart.Rendered r = Chart.render("values-prod.yaml", "image.repository", vars.get("IMAGE"), "image.tag", "abc123");
        assertThat(HelmChartTest.container(r.named("StatefulSet", HelmChartTest.TRAINER)).get("image"))
                .isEqualTo(vars.get("IMAGE") + ":abc123");
    }

    @Test
    void theClusterCredentialsComeBeforeTheFirstKubectl() {
        int credentials = commands.indexOf(only("gcloud container clusters get-credentials"));
        int kubectl = commands.indexOf(starting("kubectl ").get(0));
        assertThat(credentials).isLessThan(kubectl);
        assertThat(commands.get(credentials)).contains(" " + vars.get("CLUSTER") + " ", "--region=" + vars.get("REGION"));
    }
}
