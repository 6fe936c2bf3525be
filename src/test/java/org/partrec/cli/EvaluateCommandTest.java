package org.partrec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.partrec.features.CsrMatrix;
import org.partrec.features.IdMap;
import org.partrec.features.OnlineRetail;
import org.partrec.publish.ModelArtifact;
import org.partrec.train.AlsModel;
import org.partrec.train.AlsParams;

class EvaluateCommandTest {

    /** The keys BENCHMARK.md requires on the last stdout line of {@code evaluate}. */
    private static final List<String> REQUIRED_KEYS = List.of("impl", "users", "items", "train_nnz", "factors",
            "iterations", "reg", "alpha", "weighting", "threads", "train_s", "recommend_s", "precision@10",
            "recall@10", "ndcg@10", "map@10", "hnsw_recall@10", "popular_precision@10", "popular_ndcg@10",
            "popular_map@10");

    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {
        List<String> outLines() {
            return out.isEmpty() ? List.of() : List.of(out.split("\\R"));
        }
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Cli.run(args, o, e);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String[] evaluate(String... flags) {
        List<String> args = new ArrayList<>(List.of("evaluate"));
        args.addAll(List.of(flags));
        return args.toArray(String[]::new);
    }

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    /** {@code evaluate --train T --test S} over small valid files, then the given flags. */
    private String[] evaluateValidFilesWith(String... flags) throws IOException {
        String header = "user_id,item_id,weight,timestamp\n";
        Path train = write("ok-train.csv", header + "u1,i1,1,\nu1,i2,2,\nu2,i2,1,\nu2,i3,1,\n");
        Path test = write("ok-test.csv", header + "u1,i3,1,\nu2,i1,1,\n");
        List<String> args = new ArrayList<>(List.of("--train", train.toString(), "--test", test.toString()));
        args.addAll(List.of(flags));
        return evaluate(args.toArray(String[]::new));
    }

    /** Exit code 2, nothing on stdout, one line on stderr; returns that line. */
    private static String usageError(Run run) {
        assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isEqualTo(2);
        assertThat(run.out()).as("stdout").isEmpty();
        assertThat(run.err()).as("stderr").endsWith(System.lineSeparator());
        String message = run.err().strip();
        assertThat(message).as("stderr is one line").isNotEmpty().doesNotContain("\n").doesNotContain("\r");
        assertThat(message).startsWith("partrec evaluate: ").doesNotContain("evaluate: evaluate:");
        return message;
    }

    @Test
    void evaluateOnTheGzippedOnlineRetailFilesPrintsTheBenchmarkJsonLine() throws IOException {
        Run run = run(evaluate("--train", OnlineRetail.train().toString(),
                "--test", OnlineRetail.test().toString(), "--threads", "2"));

        assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isZero();
        List<String> lines = run.outLines();
        assertThat(lines).isNotEmpty();
        JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        System.out.println("evaluate on online-retail: " + json);
        assertThat(json.isObject()).isTrue();
        List<String> keys = new ArrayList<>();
        json.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsAll(REQUIRED_KEYS);

        assertThat(json.get("impl").asText()).isEqualTo("partrec");
        assertThat(json.get("users").asInt()).isEqualTo(4339);
        assertThat(json.get("items").asInt()).isEqualTo(3607);
        assertThat(json.get("train_nnz").asInt()).isEqualTo(211_823);
        // the protocol's defaults, and the thread count asked for
        assertThat(json.get("factors").asInt()).isEqualTo(64);
        assertThat(json.get("iterations").asInt()).isEqualTo(15);
        assertThat(json.get("reg").asDouble()).isEqualTo(0.05);
        assertThat(json.get("alpha").asDouble()).isEqualTo(1.0);
        assertThat(json.get("weighting").asText()).isEqualTo("log1p");
        assertThat(json.get("threads").asInt()).isEqualTo(2);
        assertThat(json.get("train_s").isNumber()).isTrue();
        assertThat(json.get("recommend_s").isNumber()).isTrue();

        assertThat(json.get("ndcg@10").asDouble()).isGreaterThanOrEqualTo(0.110);
        assertThat(json.get("precision@10").asDouble()).isGreaterThanOrEqualTo(0.123);
        assertThat(json.get("hnsw_recall@10").asDouble()).isGreaterThanOrEqualTo(0.98).isLessThanOrEqualTo(1.0);
        assertThat(json.get("similar_recall@10").isNull()).as("the default's cosine search is the exact scan: not measured")
                .isTrue();
        assertThat(json.get("popular_ndcg@10").asDouble()).isBetween(0.028, 0.031);
        for (String metric : List.of("recall@10", "map@10", "popular_precision@10", "popular_map@10")) {
            assertThat(json.get(metric).asDouble()).as(metric).isStrictlyBetween(0.0, 1.0);
        }
        assertThat(json.get("ndcg@10").asDouble()).as("the model beats the popularity baseline")
                .isGreaterThan(json.get("popular_ndcg@10").asDouble());
    }

    /**
     * u1's i2 (weight 2) returned in full and u2's i3 (weight 1) too: both left out of the fit; a
     * return of an item the train file does not know (i9) is not counted.
     */
    @Test
    void returnsTakeTheirWeightOffTrainPairsAndAreCountedInTheJsonLine() throws IOException {
        Path returns = write("returns.csv", "user_id,item_id,quantity,timestamp,invoice\n"
                + "u1,i2,2,,C1\nu2,i3,1,,C2\nu2,i9,1,,C3\n");
        Run run = run(evaluateValidFilesWith("--returns", returns.toString(), "--factors", "2"));
        assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.outLines().get(run.outLines().size() - 1));
        assertThat(json.get("return_weight").asDouble()).isEqualTo(1.0);
        assertThat(json.get("returns_used").asInt()).isEqualTo(2);
        assertThat(json.get("return_pairs_lowered").asInt()).isZero();
        assertThat(json.get("return_pairs_left_out").asInt()).isEqualTo(2);
        assertThat(json.get("train_nnz").asInt()).as("the split is not changed").isEqualTo(4);
    }

    @Test
    void aReturnWeightWithoutReturnsOrBelowZeroIsAUsageError() throws IOException {
        assertThat(usageError(run(evaluateValidFilesWith("--return-weight", "2")))).contains("--return-weight needs --returns");
        Path returns = write("returns.csv", "user_id,item_id,quantity\nu1,i2,1\n");
        assertThat(usageError(run(evaluateValidFilesWith("--returns", returns.toString(), "--return-weight", "-1"))))
                .contains("--return-weight must be a number >= 0");
    }

    @Test
    void unknownFlagIsAUsageErrorNamingTheFlag() throws IOException {
        String message = usageError(run(evaluateValidFilesWith("--factor", "8")));

        assertThat(message).contains("unknown flag --factor");
    }

    @Test
    void missingTrainIsAUsageErrorNamingTheFlag() throws IOException {
        Path test = write("test.csv", "user_id,item_id,weight,timestamp\nu1,i1,1,\n");

        String message = usageError(run(evaluate("--test", test.toString())));

        assertThat(message).contains("--train is required");
    }

    @Test
    void nonexistentTrainPathIsReportedWithThePath() throws IOException {
        Path test = write("test.csv", "user_id,item_id,weight,timestamp\nu1,i1,1,\n");
        Path missing = dir.resolve("no-such-dir/train.csv");

        String message = usageError(run(evaluate("--train", missing.toString(), "--test", test.toString())));

        assertThat(message).contains(missing.toString()).contains("no such file");
    }

    @Test
    void nonNumericFactorsIsAUsageErrorNamingTheFlagAndValue() throws IOException {
        String message = usageError(run(evaluateValidFilesWith("--factors", "many")));

        assertThat(message).contains("--factors").contains("integer").contains("'many'");
    }

    @Test
    void zeroFactorsIsRefusedWithTheValidRange() throws IOException {
        String message = usageError(run(evaluateValidFilesWith("--factors", "0")));

        assertThat(message).contains("factors").contains("1..1024").contains("got 0");
    }

    @Test
    void unknownWeightingIsRefusedListingTheValidOnes() throws IOException {
        String message = usageError(run(evaluateValidFilesWith("--weighting", "foo")));

        assertThat(message).contains("'foo'").contains("none, log1p or bm25");
    }

    @Test
    void kZeroIsRefusedNamingTheFlag() throws IOException {
        String message = usageError(run(evaluateValidFilesWith("--k", "0")));

        assertThat(message).contains("--k must be >= 1");
    }

    @Test
    void malformedTrainRowIsReportedWithFileAndLine() throws IOException {
        Path train = write("train.csv", "user_id,item_id,weight,timestamp\nu1,i1,1,\nu2,i1,lots,\n");
        Path test = write("test.csv", "user_id,item_id,weight,timestamp\nu1,i1,1,\n");

        String message = usageError(run(evaluate("--train", train.toString(), "--test", test.toString())));

        assertThat(message).contains(train.toString()).contains("line 3").contains("'lots'");
    }

    @Test
    void trainFileWithOnlyAHeaderIsRefused() throws IOException {
        Path train = write("train.csv", "user_id,item_id,weight,timestamp\n");
        Path test = write("test.csv", "user_id,item_id,weight,timestamp\nu1,i1,1,\n");

        String message = usageError(run(evaluate("--train", train.toString(), "--test", test.toString())));

        assertThat(message).contains("train.csv").contains("no interaction rows");
    }

    @Test
    void testFileSharingNothingWithTrainIsRefused() throws IOException {
        Path train = write("train.csv", "user_id,item_id,weight,timestamp\nu1,i1,1,\nu2,i2,1,\n");
        Path test = write("test.csv", "user_id,item_id,weight,timestamp\nu9,i1,1,\nu1,i9,1,\n");

        String message = usageError(run(evaluate("--train", train.toString(), "--test", test.toString())));

        assertThat(message).contains("test.csv").contains("nothing to evaluate");
    }

    @Test
    void exactSolverWithoutRegularizationOnTooLittleDataIsAUsageError() throws IOException {
        Path train = write("train.csv", "user_id,item_id,weight,timestamp\nu1,i1,1,\nu2,i2,3,\n");
        Path test = write("test.csv", "user_id,item_id,weight,timestamp\nu1,i2,1,\n");

        String message = usageError(run(evaluate("--train", train.toString(), "--test", test.toString(),
                "--solver", "cholesky", "--regularization", "0", "--factors", "4")));

        assertThat(message).contains("regularization must be > 0");
    }

    /**
     * {@code --model}: users u1, u2, u3 and items a..d appear in the train file in another order than
     * the artifact's sorted one; u1's factors point at c, u2's at d, their test items. Scored over
     * the right ids, every test user's one test item is first: ndcg@10 and precision@10 are 1.
     */
    @Test
    void aStoredModelIsScoredOverTheTrainFilesIdsWithoutFitting() throws IOException {
        Path model = writeModel("model.partrec", IdMap.of("u1", "u2", "u3"), IdMap.of("a", "b", "c", "d"));
        Run run = run(evaluateStoredWith(model));

        assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.outLines().get(run.outLines().size() - 1));
        assertThat(json.get("ndcg@10").asDouble()).isEqualTo(1.0);
        assertThat(json.get("precision@10").asDouble()).isEqualTo(1.0);
        assertThat(json.get("train_s").isNull()).as("nothing was fitted").isTrue();
        assertThat(json.get("factors").asInt()).isEqualTo(2);
        assertThat(json.get("model").asText()).isEqualTo(model.toString());
        assertThat(json.get("model_version").asText()).isEqualTo("20261206T120000Z-1");
    }

    @Test
    void aStoredModelOfOtherIdsOrNoModelAtAllIsRefused() throws IOException {
        Path other = writeModel("other.partrec", IdMap.of("u1", "u2", "u4"), IdMap.of("a", "b", "c", "d"));
        assertThat(usageError(run(evaluateStoredWith(other))))
                .contains("the model has no user 'u3' of the train file");
        Path fewer = writeModel("fewer.partrec", IdMap.of("u1", "u2"), IdMap.of("a", "b", "c", "d"));
        assertThat(usageError(run(evaluateStoredWith(fewer)))).contains("the model has 2 users, the train file 3");
        Path junk = write("junk.partrec", "not a model");
        assertThat(usageError(run(evaluateStoredWith(junk)))).contains("junk.partrec");
        assertThat(usageError(run(evaluateStoredWith(dir.resolve("none.partrec"))))).contains("no such file");
        Path model = writeModel("model.partrec", IdMap.of("u1", "u2", "u3"), IdMap.of("a", "b", "c", "d"));
        assertThat(usageError(run(evaluateStoredWith(model, "--factors", "8"))))
                .contains("--factors has no effect with --model");
    }

    private String[] evaluateStoredWith(Path model, String... flags) throws IOException {
        String header = "user_id,item_id,weight,timestamp\n";
        Path train = write("stored-train.csv", header + "u3,d,1,\nu3,c,1,\nu2,b,1,\nu1,a,1,\n");
        Path test = write("stored-test.csv", header + "u1,c,1,\nu2,d,1,\n");
        List<String> args = new ArrayList<>(List.of("--train", train.toString(), "--test", test.toString(),
                "--model", model.toString()));
        args.addAll(List.of(flags));
        return evaluate(args.toArray(String[]::new));
    }

    /** An artifact over these ids whose user i and item j get fixed factors (u1 -> c, u2 -> d). */
    private Path writeModel(String name, IdMap users, IdMap items) throws IOException {
        float[][] x = {{1, 0}, {0, 1}, {1, 1}};
        float[][] y = {{0, 0}, {0, 0}, {1, 0}, {0, 1}};
        AlsModel factors = new AlsModel(2, java.util.Arrays.copyOf(x, users.size()), y);
        CsrMatrix none = CsrMatrix.fromTriples(users.size(), items.size(), new int[0], new int[0], new float[0]);
        ModelArtifact artifact = new ModelArtifact("20261206T120000Z-1", Instant.parse("2026-12-06T12:00:00Z"),
                AlsParams.defaults().withFactors(2), Map.of(), Map.of(), "test", users, items, factors, none, none,
                Map.of());
        Path file = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(file)) {
            ModelArtifact.write(artifact, out);
        }
        return file;
    }
}
