package org.partrec.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input, arguments and outputs the job must refuse: one line on stderr, exit code 2, nothing on
 * stdout, and no file at (or beside) the output.
 */
class BadInputTest {

    private static final StructType CONTRACT = new StructType()
            .add("user_id", DataTypes.StringType)
            .add("item_id", DataTypes.StringType)
            .add("weight", DataTypes.DoubleType);

    @TempDir
    static Path dir;
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkTests.local();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void aMissingFolderIsNamed() {
        Path input = dir.resolve("missing");
        refused(input, "no folder " + input.resolve("interactions").toUri().getPath());
    }

    @Test
    void aFolderWithoutParquetFilesIsRefused() throws IOException {
        Path input = dir.resolve("no-files");
        Files.createDirectories(input.resolve("interactions"));
        Files.writeString(input.resolve("interactions/_SUCCESS"), "");
        refused(input, "holds no *.parquet file");
    }

    @Test
    void emptyInteractionsAreRefused() {
        Path input = write("empty", CONTRACT);
        refused(input, "holds no rows: nothing to train on");
    }

    @Test
    void aNonPositiveWeightIsNamedWithItsRow() {
        Path input = write("zero-weight", CONTRACT, "u1", "i1", 2.0, "u2", "i2", 0.0, "u2", "i1", 1.0);
        refused(input, "1 of 3 rows have a weight that is not a finite number > 0 (the first: user_id 'u2',"
                + " item_id 'i2', weight 0.0)");
    }

    @Test
    void aNanWeightIsRefused() {
        Path input = write("nan-weight", CONTRACT, "u1", "i1", Double.NaN, "u2", "i2", 1.0);
        refused(input, "1 of 2 rows have a weight that is not a finite number > 0");
    }

    @Test
    void aMissingIdIsRefused() {
        Path input = write("null-id", CONTRACT, "u1", null, 1.0, "u2", "i2", 1.0);
        refused(input, "1 of 2 rows have no user_id or item_id");
    }

    @Test
    void aMissingColumnIsNamed() {
        StructType other = new StructType()
                .add("user_id", DataTypes.StringType)
                .add("item_id", DataTypes.StringType)
                .add("quantity", DataTypes.DoubleType);
        Path input = write("no-weight", other, "u1", "i1", 1.0);
        refused(input, "has no column weight (its columns: user_id, item_id, quantity;");
    }

    @Test
    void aNumericIdColumnIsRefused() {
        StructType numeric = new StructType()
                .add("user_id", DataTypes.LongType)
                .add("item_id", DataTypes.StringType)
                .add("weight", DataTypes.DoubleType);
        Path input = write("numeric-id", numeric, 1L, "i1", 1.0);
        refused(input, "column user_id is bigint, expected string");
    }

    @Test
    void anExistingArtifactIsNeverOverwritten() throws IOException {
        Path input = write("good", CONTRACT, "u1", "i1", 1.0, "u2", "i1", 2.0);
        Path out = dir.resolve("existing/V.partrec");
        Files.createDirectories(out.getParent());
        Files.writeString(out, "an earlier artifact");
        Result r = run("--input", input.toString(), "--output", out.toUri().toString(), "--version", "V");
        r.assertRefused("already exists (the job never overwrites an artifact)");
        assertEquals("an earlier artifact", Files.readString(out));
        assertEquals(List.of("V.partrec"), names(out.getParent()));
    }

    @Test
    void anOutputThatCannotBeWrittenLeavesNothing() throws IOException {
        Path input = write("good2", CONTRACT, "u1", "i1", 1.0, "u2", "i1", 2.0);
        Path blocker = dir.resolve("blocker");
        Files.writeString(blocker, "a file where the job expects a folder");
        Result r = run("--input", input.toString(), "--output", blocker.resolve("V.partrec").toUri().toString(),
                "--version", "V", "--factors", "2", "--iterations", "1");
        r.assertRefused("blocker");
        assertEquals("a file where the job expects a folder", Files.readString(blocker));
    }

    @Test
    void badArgumentsAreNamed() {
        run("--input", "x", "--output", "y").assertRefused("--version is required");
        run("--input", "x", "--output", "y", "--version", "V", "--nope", "1").assertRefused("unknown argument '--nope'");
        run("--input", "x", "--output", "y", "--version", "V", "--factors").assertRefused("--factors needs a value");
        run("--input", "x", "--output", "y", "--version", "V", "--factors", "0")
                .assertRefused("factors must be in 1..1024, got 0");
        run("--input", "x", "--output", "y", "--version", "V", "--alpha", "much")
                .assertRefused("--alpha must be a number, got 'much'");
        run("--input", "x", "--output", "y", "--version", "V", "--weighting", "tfidf")
                .assertRefused("unknown weighting 'tfidf' (expected none, log1p or bm25)");
        run("--input", "x", "--output", "y", "--version", "V", "--lambda-scaling", "both")
                .assertRefused("unknown lambda scaling 'both' (expected as-partrec or spark)");
    }

    /** The main class as spark-submit starts it: exit code 2, the message and the usage, no stack trace. */
    @Test
    void theMainExitsWithTwoOnBadArguments() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), TrainJob.class.getName(), "--input", "x", "--bogus", "1")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), err);
        assertTrue(err.startsWith("partrec-spark: unknown argument '--bogus'\nusage: TrainJob"), err);
        assertFalse(err.contains("Exception"), err);
    }

    /** Runs the job on {@code input}, expecting a refusal that says {@code message} and writes nothing. */
    private static void refused(Path input, String message) {
        Path out = dir.resolve("out-" + input.getFileName());
        Result r = run("--input", input.toString(), "--output", out.resolve("V.partrec").toUri().toString(),
                "--version", "V", "--factors", "2", "--iterations", "1");
        r.assertRefused(message);
        assertTrue(!Files.exists(out) || names(out).isEmpty(), "nothing written at " + out);
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = TrainJob.run(spark, args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private record Result(int code, String out, String err) {
        void assertRefused(String message) {
            assertEquals(2, code, err);
            assertEquals("", out);
            assertTrue(err.startsWith("partrec-spark: ") && err.contains(message), err);
            assertEquals(1, err.lines().count(), "one line: " + err);
        }
    }

    /** {@code rows}: the columns' values, row after row, flattened. */
    private static Path write(String name, StructType schema, Object... rows) {
        Path input = dir.resolve(name);
        int width = schema.fields().length;
        List<org.apache.spark.sql.Row> list = new ArrayList<>();
        for (int i = 0; i < rows.length; i += width) {
            list.add(RowFactory.create(java.util.Arrays.copyOfRange(rows, i, i + width)));
        }
        spark.createDataFrame(list, schema).coalesce(1).write().parquet(input.resolve("interactions").toString());
        return input;
    }

    private static List<String> names(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
