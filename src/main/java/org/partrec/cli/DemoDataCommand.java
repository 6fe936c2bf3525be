package org.partrec.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.partrec.demo.DemoCatalog;
import org.partrec.demo.DemoEvents;
import org.partrec.demo.Part;

/**
 * {@code partrec demo-data --out DIR [--customers 30000] [--parts 10000] [--events 600000]
 * [--seed 42] [--end 2026-11-27T00:00:00Z]}: writes the generated demo catalogue
 * ({@code catalog.csv}) and interaction log ({@code events.csv}, returns included as events of
 * type {@code return}) for a look, a load or a scale
 * run. The same flags always give the same files. Files are written under a temporary name and
 * renamed when complete.
 */
final class DemoDataCommand {

    static final String DEFAULT_END = "2026-11-27T00:00:00Z";
    private static final Set<String> FLAGS = Set.of("out", "customers", "parts", "events", "seed", "end");

    private DemoDataCommand() {
    }

    static void run(String[] args, PrintStream out) {
        Flags flags = Flags.parse(args, 1, FLAGS, Set.of());
        Path dir = flags.requiredPath("out");
        int customers = EvaluateCommand.positive(flags, "customers", 30_000);
        int parts = EvaluateCommand.positive(flags, "parts", 10_000);
        long events = flags.longValue("events", 20L * customers);
        long seed = flags.longValue("seed", 42);
        Instant end;
        try {
            end = Instant.parse(flags.string("end", DEFAULT_END));
        } catch (DateTimeParseException e) {
            throw new UsageException("--end must be an ISO-8601 instant like " + DEFAULT_END);
        }
        if (events < customers) {
            throw new UsageException("--events must be at least --customers (" + customers + "), got " + events);
        }
        long t0 = System.nanoTime();
        DemoCatalog catalog = DemoCatalog.generate(parts, seed);
        DemoEvents log = new DemoEvents(catalog, customers, events, seed, end);
        try {
            Files.createDirectories(dir);
            writeAtomically(dir.resolve("catalog.csv"), printer -> {
                printer.printRecord("part_number", "name", "brand", "category", "price", "in_stock", "fitment", "margin");
                for (Part p : catalog.parts()) {
                    printer.printRecord(p.partNumber(), p.name(), p.brand(), p.category(),
                            String.format(Locale.ROOT, "%.2f", p.price()), p.inStock(), p.fitment(),
                            String.format(Locale.ROOT, "%.2f", p.margin()));
                }
            });
            long[] written = new long[1];
            writeAtomically(dir.resolve("events.csv"), printer -> {
                printer.printRecord("user_id", "item_id", "event_type", "quantity", "timestamp");
                log.generate(new DemoEvents.Sink() {
                    @Override
                    public void accept(int c, int p, DemoEvents.EventType type, int quantity, long time) {
                        print(c, p, type.label(), quantity, time);
                    }

                    @Override
                    public void returned(int c, int p, int quantity, long time) {
                        print(c, p, org.partrec.events.Event.Type.RETURN.warehouse(), quantity, time);
                    }

                    void print(int c, int p, String type, int quantity, long time) {
                        try {
                            printer.printRecord(DemoEvents.customerId(c), catalog.part(p).partNumber(), type, quantity,
                                    Instant.ofEpochSecond(time));
                            written[0]++;
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                });
            });
            out.println(new JsonLine().put("catalog", dir.resolve("catalog.csv").toString()).put("parts", parts)
                    .put("events_file", dir.resolve("events.csv").toString()).put("customers", customers)
                    .put("events", written[0]).put("seed", seed).put("seconds", (System.nanoTime() - t0) / 1e9, 2));
        } catch (IOException | UncheckedIOException e) {
            throw new UsageException("cannot write to " + dir + ": " + e.getMessage());
        }
    }

    private interface Body {
        void write(CSVPrinter printer) throws IOException;
    }

    private static void writeAtomically(Path target, Body body) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8);
             CSVPrinter printer = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get())) {
            body.write(printer);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
