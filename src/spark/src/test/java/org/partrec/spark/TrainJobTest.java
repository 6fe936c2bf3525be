package org.partrec.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.partrec.features.CsrMatrix;
import org.partrec.features.Weighting;
import org.partrec.publish.ModelArtifact;
import org.partrec.train.AlsModel;
import org.partrec.train.Solver;

/** The job in Spark's local mode on a slice of online-retail: what it writes, and what Spark would recommend. */
class TrainJobTest {

    private static final String VERSION = "20261206T120000Z-1";

    @TempDir
    static Path dir;
    private static SparkSession spark;
    private static Path input;

    @BeforeAll
    static void start() {
        spark = SparkTests.local();
        input = dir.resolve("input");
        OnlineRetailSlice.writeParquet(spark, input);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void theArtifactLoadsAndHoldsTheInputAsTheServiceWouldStoreIt() throws IOException {
        Path out = dir.resolve("store/candidates/" + VERSION + ".partrec");
        TrainJob.Fit fit = TrainJob.train(spark, args(out, "--weighting", "log1p"));

        ModelArtifact a = read(out);
        Map<String, Map<String, Double>> expected = OnlineRetailSlice.expected();
        String[] users = expected.keySet().toArray(String[]::new);
        String[] items = expected.values().stream().flatMap(m -> m.keySet().stream()).distinct().sorted()
                .toArray(String[]::new);
        assertArrayEquals(users, ids(a.users()), "user ids, sorted");
        assertArrayEquals(items, ids(a.items()), "item ids, sorted");
        int pairs = 0;
        for (int u = 0; u < users.length; u++) {
            Map<String, Double> row = expected.get(users[u]);
            assertEquals(row.size(), a.interactions().rowLength(u), "pairs of user " + users[u]);
            for (Map.Entry<String, Double> e : row.entrySet()) {
                assertEquals(e.getValue().floatValue(), a.interactions().get(u, a.items().indexOf(e.getKey())),
                        "summed weight of " + users[u] + ", " + e.getKey());
            }
            pairs += row.size();
        }
        assertEquals(0, a.purchased().nnz());
        assertEquals(users.length, a.purchased().rows());
        assertEquals(items.length, a.purchased().cols());
        assertTrue(a.catalog().isEmpty());
        assertNull(a.similar());
        assertNull(a.purchasedAt());
        assertTrue(a.metrics().isEmpty());
        assertEquals(Map.of("pairs", (long) pairs, "users", (long) users.length, "items", (long) items.length),
                a.data());
        assertEquals(VERSION, a.version());
        assertEquals(16, a.params().factors());
        assertEquals(6, a.params().iterations());
        assertEquals(0.05, a.params().regularization());
        assertEquals(Weighting.LOG1P, a.params().weighting());
        assertEquals(Solver.CHOLESKY, a.params().solver());
        assertEquals(7L, a.params().seed());
        // the mean row's regularisation is lambda: regParam * 2 * pairs = lambda * (users + items)
        assertEquals(0.05 * (users.length + items.length), fit.regParam() * 2 * pairs, 1e-9);
        try (Stream<Path> files = Files.list(out.getParent())) {
            assertEquals(List.of(out.getFileName().toString()), files.map(p -> p.getFileName().toString()).toList(),
                    "one file, no temporary or checksum file beside it");
        }
    }

    @Test
    void itsFactorsReproduceSparksOwnTopTen() throws IOException {
        Path out = dir.resolve("topten/" + VERSION + ".partrec");
        TrainJob.Fit fit = TrainJob.train(spark, args(out, "--weighting", "bm25"));
        ModelArtifact a = read(out);
        long seed = 20261206L;
        List<Integer> sampled = new ArrayList<>();
        Random random = new Random(seed);
        while (sampled.size() < 30) {
            int u = random.nextInt(a.users().size());
            if (!sampled.contains(u)) {
                sampled.add(u);
            }
        }
        Dataset<Row> subset = spark.createDataset(sampled, Encoders.INT()).toDF("user");
        List<Row> recs = fit.model().recommendForUserSubset(subset, 10).collectAsList();
        assertEquals(sampled.size(), recs.size());
        for (Row r : recs) {
            int u = r.getInt(0);
            List<Row> list = r.getList(1);
            int[] sparkItems = list.stream().mapToInt(x -> x.getInt(0)).toArray();
            float[] sparkScores = new float[list.size()];
            for (int j = 0; j < list.size(); j++) {
                sparkScores[j] = list.get(j).getFloat(1);
            }
            assertSameTopTen(a.model(), u, sparkItems, sparkScores, "user " + a.users().idOf(u) + " (seed " + seed + ")");
        }
    }

    @Test
    void theRatingsAreWeightingAppliedToTheStoredInteractions() {
        TrainingData data = TrainingData.of(spark, ParquetInput.read(spark, input.toString()));
        CsrMatrix expected = Weighting.BM25.apply(data.interactions());
        List<Row> ratings = Ratings.of(spark, data.coded(), Weighting.BM25, Weighting.BM25.stats(data.interactions()))
                .collectAsList();
        assertEquals(expected.nnz(), ratings.size());
        for (Row r : ratings) {
            assertEquals(expected.get(r.getInt(0), r.getInt(1)), r.getFloat(2),
                    "rating of user " + r.getInt(0) + ", item " + r.getInt(1));
        }
        data.coded().unpersist();
    }

    /**
     * Spark's top ten (items and scores) against the artifact's factors ranked by brute force: the
     * same items, the same scores to float rounding; two items whose scores lie within
     * {@code 1e-5} may trade places, at the tenth place too.
     */
    private static void assertSameTopTen(AlsModel m, int u, int[] sparkItems, float[] sparkScores, String who) {
        int n = m.items();
        Integer[] order = new Integer[n];
        float[] scores = new float[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
            scores[i] = m.score(u, i);
        }
        Arrays.sort(order, (x, y) -> Float.compare(scores[y], scores[x]));
        assertEquals(10, sparkItems.length, who);
        float tenth = scores[order[9]];
        Set<Integer> ours = new HashSet<>(Arrays.asList(order).subList(0, 10));
        for (int j = 0; j < 10; j++) {
            int item = sparkItems[j];
            assertEquals(scores[item], sparkScores[j], 1e-4 * Math.max(1, Math.abs(scores[item])),
                    who + ": score of item " + item);
            assertTrue(ours.contains(item) || Math.abs(scores[item] - tenth) < 1e-5,
                    who + ": Spark ranks item " + item + " (score " + scores[item] + ") in its top ten, the artifact"
                            + " does not (tenth score " + tenth + ")");
            if (j > 0) {
                assertTrue(sparkScores[j] <= sparkScores[j - 1] + 1e-5, who + ": Spark's list in order");
            }
        }
    }

    private JobArgs args(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("--input", input.toString(), "--output", out.toUri().toString(),
                "--version", VERSION, "--factors", "16", "--iterations", "6", "--regularization", "0.05",
                "--alpha", "1.0", "--seed", "7"));
        a.addAll(List.of(more));
        return JobArgs.parse(a.toArray(String[]::new));
    }

    private static ModelArtifact read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return ModelArtifact.read(in);
        }
    }

    private static String[] ids(org.partrec.features.IdMap ids) {
        String[] out = new String[ids.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ids.idOf(i);
        }
        return out;
    }
}
