package org.partrec.dataproc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.dataproc.v1.Batch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.partrec.features.Weighting;
import org.partrec.train.AlsParams;
import org.partrec.train.Solver;

/**
 * The README's {@code gcloud dataproc batches submit spark} command ("Training on Spark") is the
 * batch the service submits for the same settings and run: the same project and region, batch id,
 * runtime, jar, main class, account, subnetwork, properties, labels and job arguments.
 */
class SparkReadmeTest {

    @Test
    void theReadmesGcloudCommandIsTheBatchTheServiceSubmits() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int from = readme.indexOf("\n### Training on Spark (`engine: spark`)\n");
        assertThat(from).as("the section").isPositive();
        String section = readme.substring(from, readme.indexOf("\n### ", from + 1));
        Matcher block = Pattern.compile("```sh\n(.*?)```", Pattern.DOTALL).matcher(section);
        assertThat(block.find()).isTrue();
        List<String> words = Arrays.asList(block.group(1).replace("\\\n", " ").trim().split("\\s+"));
        assertThat(words.subList(0, 5)).containsExactly("gcloud", "dataproc", "batches", "submit", "spark");
        int separator = words.indexOf("--");
        Map<String, String> flags = new LinkedHashMap<>();
        for (String w : words.subList(5, separator)) {
            String[] kv = w.substring(2).split("=", 2);
            flags.put(kv[0], kv[1]);
        }
        List<String> args = words.subList(separator + 1, words.size());

        Map<String, String> properties = new LinkedHashMap<>();
        for (String p : flags.get("properties").split(",")) {
            properties.put(p.split("=", 2)[0], p.split("=", 2)[1]);
        }
        DataprocEngine.Settings settings = new DataprocEngine.Settings(flags.get("project"), flags.get("region"),
                "gs://holley-partrec-models/jobs/partrec-spark-job.jar", "3.0",
                "gs://holley-partrec-models/spark-input", Duration.ofSeconds(30), Duration.ofHours(2),
                "partrec-spark@holley-recs.iam.gserviceaccount.com",
                "projects/holley-recs/regions/us-central1/subnetworks/default", properties, 0);
        String tag = "20261206T220000Z-1-fit";
        // prod's parameters (configs/prod.yaml)
        AlsParams params = new AlsParams(64, 15, 20.0, 1.0, Weighting.LOG1P, Solver.CG, AlsParams.DEFAULT_CG_STEPS, 2, 42);
        DataprocEngine engine = new DataprocEngine(null, null, null, "gs://holley-partrec-models/partrec/models/",
                settings);
        Batch batch = engine.batch(params, settings.input() + "/" + tag,
                "gs://holley-partrec-models/partrec/models/" + DataprocEngine.CANDIDATES + tag + ".partrec", tag);

        assertThat(flags).containsEntry("batch", DataprocEngine.batchId(tag))
                .containsEntry("version", batch.getRuntimeConfig().getVersion())
                .containsEntry("jars", String.join(",", batch.getSparkBatch().getJarFileUrisList()))
                .containsEntry("class", batch.getSparkBatch().getMainClass())
                .containsEntry("service-account", batch.getEnvironmentConfig().getExecutionConfig().getServiceAccount())
                .containsEntry("subnet", batch.getEnvironmentConfig().getExecutionConfig().getSubnetworkUri())
                .containsEntry("labels", "app=" + batch.getLabelsMap().get("app") + ",step="
                        + batch.getLabelsMap().get("step"));
        assertThat(batch.getLabelsMap()).hasSize(2);
        assertThat(batch.getRuntimeConfig().getPropertiesMap()).isEqualTo(properties);
        assertThat(args).isEqualTo(batch.getSparkBatch().getArgsList());
    }
}
