package org.partrec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code partrec tune} on generated data small enough that the whole search finishes inside the
 * budget (so the choice does not depend on the machine's speed).
 */
class TuneCommandTest {

    static final long SEED = 11;

    @TempDir
    Path dir;
    Path train;
    Path test;

    record Run(int code, String out, String err) {
        JsonNode json() throws IOException {
            String[] lines = out.strip().split("\\R");
            return new ObjectMapper().readTree(lines[lines.length - 1]);
        }
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * Six segments of 50 users, each buying from its own block of 20 items, plus a popular head of
     * 10 items everybody may buy; one event a day per user over 30 days. The last 20% of each
     * user's items by time go to test, as the protocol says.
     */
    @BeforeEach
    void generate() throws IOException {
        SplittableRandom random = new SplittableRandom(SEED);
        StringBuilder trainCsv = new StringBuilder("user_id,item_id,weight,timestamp\n");
        StringBuilder testCsv = new StringBuilder("user_id,item_id,weight,timestamp\n");
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        for (int u = 0; u < 300; u++) {
            int segment = u / 50;
            java.util.LinkedHashSet<Integer> items = new java.util.LinkedHashSet<>();
            while (items.size() < 10) {
                items.add(random.nextInt(4) == 0 ? random.nextInt(10) : 10 + segment * 20 + random.nextInt(20));
            }
            int day = 0;
            int held = items.size() / 5;
            int j = 0;
            for (int item : items) {
                String row = "u" + u + ",p" + item + "," + (1 + random.nextInt(3)) + "," + start.plusSeconds(86400L * day++)
                        + "\n";
                (j++ < items.size() - held ? trainCsv : testCsv).append(row);
            }
        }
        train = dir.resolve("train.csv");
        test = dir.resolve("test.csv");
        Files.writeString(train, trainCsv);
        Files.writeString(test, testCsv);
    }

    @Test
    void choosesOnTrainAloneSoTheTestFileCannotChangeTheChoice() throws IOException {
        // a different test file: the same format, other pairs
        Path otherTest = dir.resolve("other.csv");
        Files.writeString(otherTest, "user_id,item_id,weight,timestamp\nu1,p150,1,\nu2,p3,1,\nu299,p11,2,\n");
        JsonNode a = run("tune", "--train", train.toString(), "--test", test.toString(), "--threads", "2").json();
        JsonNode b = run("tune", "--train", train.toString(), "--test", otherTest.toString(), "--threads", "2").json();
        assertThat(a.get("budget_exhausted").asBoolean()).isFalse();
        for (String key : new String[] {"factors", "reg", "alpha", "weighting", "popularity_beta",
            "validation_ndcg@10", "candidates"}) {
            assertThat(b.get(key)).as(key).isEqualTo(a.get(key));
        }
        assertThat(b.get("ndcg@10")).isNotEqualTo(a.get("ndcg@10"));
    }

    @Test
    void tunedModelBeatsTheDefaultsAndThePopularityBaseline() throws IOException {
        Run tuned = run("tune", "--train", train.toString(), "--test", test.toString(), "--threads", "2");
        assertThat(tuned.code()).as(tuned.err()).isZero();
        JsonNode t = tuned.json();
        JsonNode d = run("evaluate", "--train", train.toString(), "--test", test.toString(), "--threads", "2").json();
        assertThat(t.get("candidates").asInt()).isGreaterThan(20);
        assertThat(t.get("validation_ndcg@10").asDouble())
                .isGreaterThanOrEqualTo(t.get("validation_popular_ndcg@10").asDouble());
        assertThat(t.get("ndcg@10").asDouble()).isGreaterThan(t.get("popular_ndcg@10").asDouble());
        assertThat(t.get("ndcg@10").asDouble()).isGreaterThanOrEqualTo(d.get("ndcg@10").asDouble() - 0.01);
    }

    @Test
    void aTinyBudgetStillGivesAnAnswer() throws IOException {
        Run r = run("tune", "--train", train.toString(), "--test", test.toString(), "--budget-s", "0.001");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = r.json();
        assertThat(j.get("budget_exhausted").asBoolean()).isTrue();
        assertThat(j.get("candidates").asInt()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void badInputsEndWithAMessageAndExitCodeTwo() {
        Run missingTest = run("tune", "--train", train.toString(), "--test", dir.resolve("nope.csv").toString());
        assertThat(missingTest.code()).isEqualTo(2);
        assertThat(missingTest.err()).contains("nope.csv").doesNotContain("Exception");
        assertThat(missingTest.out()).isEmpty();
        Run badBudget = run("tune", "--train", train.toString(), "--test", test.toString(), "--budget-s", "-3");
        assertThat(badBudget.code()).isEqualTo(2);
        assertThat(badBudget.err()).contains("--budget-s");
        Run unknown = run("tune", "--train", train.toString(), "--test", test.toString(), "--factors", "8");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown flag --factors");
    }
}
