package org.partrec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.partrec.features.OnlineRetail;

/**
 * The README's and BENCHMARK.md's command, run on the packaged jar exactly as a user types it:
 * {@code java -jar target/partrec.jar evaluate ...}, with no JVM flag. The jar relaunches itself
 * with the Vector API, so the fast kernels are what a plain {@code java -jar} gets.
 */
class PackagedJarIT {

    static final Path JAR = Path.of(System.getProperty("partrec.jar", "target/partrec.jar"));

    record Result(int code, String out, String err) {
    }

    static Result java(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove(VectorRelaunch.MARKER);
        Path out = Files.createTempFile("partrec-out", ".txt");
        Path err = Files.createTempFile("partrec-err", ".txt");
        Process p = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("finished within 5 minutes").isTrue();
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void evaluateFromThePlainJarUsesTheVectorKernelsAndPrintsOneJsonLine() throws Exception {
        Result r = java("evaluate", "--train", OnlineRetail.train().toString(), "--test",
                OnlineRetail.test().toString(), "--threads", "2");
        assertThat(r.code()).as(r.err()).isZero();
        String[] lines = r.out().strip().split("\\R");
        assertThat(lines).hasSize(1);
        JsonNode json = new ObjectMapper().readTree(lines[0]);
        assertThat(json.get("kernels").asText()).isEqualTo("vector");
        assertThat(json.get("ndcg@10").asDouble()).isGreaterThan(0.11);
        assertThat(json.get("hnsw_recall@10").asDouble()).isGreaterThanOrEqualTo(0.98);
        assertThat(r.err()).contains("iteration 15 of 15");
    }

    @Test
    void aBadFlagFromThePlainJarIsOneLineAndExitCodeTwo() throws Exception {
        Result r = java("evaluate", "--train", "x.csv", "--test", "y.csv", "--colour", "blue");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("partrec evaluate: unknown flag --colour").doesNotContain("Exception");
    }
}
