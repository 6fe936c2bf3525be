package org.partrec.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.partrec.PartrecApplication;
import org.partrec.dataproc.DataprocEngine;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.BindException;

/**
 * The settings of {@code partrec.training.engine: spark}: each one checked on its own when bound,
 * then together at start-up, a bad one refused with a message naming its key.
 */
class SparkSettingsTest {

    static final String JAR = "gs://holley-partrec-models/jobs/partrec-spark-job.jar";

    /** A complete engine-spark configuration of prod (BigQuery, a GCS model store). */
    static Map<String, Object> prod() {
        Map<String, Object> m = new HashMap<>();
        m.put("partrec.training.engine", "spark");
        m.put("partrec.training.parameters", "config");
        m.put("partrec.training.spark.region", "us-central1");
        m.put("partrec.training.spark.jar", JAR);
        m.put("partrec.training.spark.input", "gs://holley-partrec-models/spark-input");
        m.put("partrec.training.spark.properties.spark.executor.instances", "8");
        return m;
    }

    @Test
    void theDefaultEngineIsPartrecsOwnAndAnUnknownOneIsRefusedWithItsKeyNamed() throws Exception {
        for (String env : new String[] {"dev", "staging", "prod"}) {
            assertThat(ConfigsTest.bind(env, Map.of()).training().engine()).isEqualTo("als");
        }
        assertThatThrownBy(() -> ConfigsTest.bind("dev", Map.of("partrec.training.engine", "flink")))
                .isInstanceOf(BindException.class).hasStackTraceContaining("partrec.training")
                .hasStackTraceContaining("on field 'engine'");
        assertThatThrownBy(() -> ConfigsTest.bind("dev", Map.of("partrec.training.spark.runtime-version", "latest")))
                .isInstanceOf(BindException.class).hasStackTraceContaining("runtimeVersion");
        assertThatThrownBy(() -> ConfigsTest.bind("dev", Map.of("partrec.training.spark.timeout", "10s")))
                .isInstanceOf(BindException.class).hasStackTraceContaining("timeout");
    }

    @Test
    void aCompleteConfigurationGivesTheBatchesSettings() throws Exception {
        DataprocEngine.Settings s = PartrecConfiguration.sparkSettings(ConfigsTest.bind("prod", prod()), "holley-recs");
        assertThat(s.project()).as("spring.cloud.gcp.project-id's").isEqualTo("holley-recs");
        assertThat(s.parent()).isEqualTo("projects/holley-recs/locations/us-central1");
        assertThat(s.jar()).isEqualTo(JAR);
        assertThat(s.runtimeVersion()).isEqualTo("3.0");
        assertThat(s.properties()).containsEntry("spark.executor.instances", "8");
        assertThat(s.regParam()).as("the job maps the model's lambda").isZero();
        Map<String, Object> tuned = prod();
        tuned.put("partrec.training.spark.reg-param", "0.5");
        assertThat(PartrecConfiguration.sparkSettings(ConfigsTest.bind("prod", tuned), "holley-recs").regParam())
                .isEqualTo(0.5);
        assertThat(PartrecConfiguration.storeUri(ConfigsTest.bind("prod", prod()).models()))
                .isEqualTo("gs://holley-partrec-models/partrec/models/");
    }

    @Test
    void settingsThatDoNotGoTogetherAreRefusedWithTheKeyNamed() throws Exception {
        assertRefused("prod", Map.of("partrec.training.spark.region", ""), "partrec.training.spark.region");
        assertRefused("prod", Map.of("partrec.training.spark.jar", "partrec-spark-job.jar"), "partrec.training.spark.jar");
        assertRefused("prod", Map.of("partrec.training.spark.input", "data/spark-input"),
                "partrec.training.spark.input must be a gs://bucket/prefix");
        assertRefused("prod", Map.of("partrec.training.parameters", "tune"), "partrec.training.parameters must be config");
        assertRefused("prod", Map.of("partrec.models.store", "local", "partrec.models.path", "data/models"),
                "partrec.models.store must be gcs");
        assertRefused("dev", Map.of("partrec.training.spark.project", "p-123456", "partrec.training.spark.input",
                "gs://b/in"), "partrec.training.spark.input must be a folder");
    }

    private static void assertRefused(String env, Map<String, Object> change, String message) throws Exception {
        Map<String, Object> m = prod();
        m.putAll(change);
        PartrecProperties p = ConfigsTest.bind(env, m);
        assertThatThrownBy(() -> PartrecConfiguration.sparkSettings(p, "holley-recs"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    /** The service itself: engine spark without a project or a jar does not start, and says which key. */
    @Test
    void theServiceDoesNotStartWithEngineSparkAndNoJar(@TempDir Path dir) {
        assertThatThrownBy(() -> new SpringApplicationBuilder(PartrecApplication.class).run("--server.port=0",
                "--management.server.port=0", "--partrec.warehouse.path=" + dir.resolve("w.duckdb"),
                "--partrec.demo.load=false", "--partrec.training.at-startup=false", "--partrec.export.enabled=false",
                "--partrec.models.path=" + dir.resolve("models"), "--logging.structured.format.console=",
                "--partrec.training.engine=spark", "--partrec.training.spark.project=test-project",
                "--partrec.training.spark.region=us-central1").close())
                .hasRootCauseInstanceOf(IllegalArgumentException.class)
                .hasRootCauseMessage("partrec.training.spark.jar must be the URI of the Spark job's jar"
                        + " (gs://bucket/path/partrec-spark-job.jar), not ''");
    }
}
