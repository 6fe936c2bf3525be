package org.partrec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.partrec.features.InteractionCsv;

class DemoDataCommandTest {

    @TempDir
    Path dir;

    static int run(ByteArrayOutputStream err, String... args) {
        return Cli.run(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void writesTheSameCatalogueAndLogForTheSameFlags() throws IOException {
        String[] flags = {"--customers", "300", "--parts", "200", "--events", "5000", "--seed", "9"};
        assertThat(run(new ByteArrayOutputStream(), concat("demo-data", "--out", dir.resolve("a").toString(), flags))).isZero();
        assertThat(run(new ByteArrayOutputStream(), concat("demo-data", "--out", dir.resolve("b").toString(), flags))).isZero();
        List<String> catalog = Files.readAllLines(dir.resolve("a/catalog.csv"));
        List<String> events = Files.readAllLines(dir.resolve("a/events.csv"));
        assertThat(catalog.get(0)).isEqualTo("part_number,name,brand,category,price,in_stock,fitment,margin");
        assertThat(catalog).hasSize(201);
        assertThat(events.get(0)).isEqualTo("user_id,item_id,event_type,quantity,timestamp");
        assertThat(events.size()).isBetween(3000, 7000);
        assertThat(events).anyMatch(line -> line.contains(",return,")); // "doesn't fit", and a few others
        assertThat(Files.readAllLines(dir.resolve("b/events.csv"))).isEqualTo(events);
        assertThat(Files.readAllLines(dir.resolve("b/catalog.csv"))).isEqualTo(catalog);
        assertThat(Files.list(dir.resolve("a")).map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                "catalog.csv", "events.csv");
    }

    @Test
    void theLogReadsAsInteractionsWhenQuantityIsTheWeight() throws IOException {
        assertThat(run(new ByteArrayOutputStream(), "demo-data", "--out", dir.toString(), "--customers", "100",
                "--parts", "50", "--events", "1000")).isZero();
        // the event log's quantity column is positive, so it is a valid weight column
        String csv = Files.readString(dir.resolve("events.csv")).replaceFirst("quantity", "weight");
        Path asInteractions = dir.resolve("interactions.csv");
        Files.writeString(asInteractions, csv);
        assertThat(InteractionCsv.read(asInteractions).size()).isGreaterThan(500);
    }

    @Test
    void badFlagsEndWithAMessage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(run(err, "demo-data", "--out", dir.toString(), "--customers", "10", "--events", "5")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--events must be at least --customers");
        ByteArrayOutputStream err2 = new ByteArrayOutputStream();
        assertThat(run(err2, "demo-data", "--out", dir.toString(), "--end", "yesterday")).isEqualTo(2);
        assertThat(err2.toString(StandardCharsets.UTF_8)).contains("--end must be an ISO-8601 instant");
        ByteArrayOutputStream err3 = new ByteArrayOutputStream();
        assertThat(run(err3, "demo-data", "--customers", "10")).isEqualTo(2);
        assertThat(err3.toString(StandardCharsets.UTF_8)).contains("--out is required");
    }

    static String[] concat(String a, String b, String c, String[] rest) {
        String[] all = new String[3 + rest.length];
        all[0] = a;
        all[1] = b;
        all[2] = c;
        System.arraycopy(rest, 0, all, 3, rest.length);
        return all;
    }
}
