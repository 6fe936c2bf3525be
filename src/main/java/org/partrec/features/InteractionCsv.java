package org.partrec.features;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads an interaction file with the header {@code user_id,item_id,weight[,timestamp]} (the
 * shared benchmark format): one row per event or per (user, item) pair, ids as strings,
 * {@code weight > 0}, {@code timestamp} ISO-8601 (UTC when it carries no offset) or empty.
 * A row with an empty id or a weight that is not a finite positive number is refused with an
 * {@link InvalidDataException} naming the file and line. A file whose name ends in {@code .gz} is
 * read through gzip (the online-retail files in {@code datasets/} are kept that way).
 */
public final class InteractionCsv {

    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder()
            .setHeader().setSkipHeaderRecord(true).setIgnoreSurroundingSpaces(true)
            .setIgnoreEmptyLines(false) // keeps record numbers equal to line numbers; blank rows skipped below
            .get();

    private InteractionCsv() {
    }

    /** Reads a file with fresh id maps. */
    public static Interactions read(Path file) {
        return read(file, new IdMap.Builder(), new IdMap.Builder());
    }

    /**
     * Reads a file, interning its ids into the given builders, so that a test file can share the
     * id maps of its train file (ids new to the train file get indices past the train's).
     */
    public static Interactions read(Path file, IdMap.Builder users, IdMap.Builder items) {
        return read(file, "weight", users, items);
    }

    /**
     * {@link #read(Path, IdMap.Builder, IdMap.Builder)} with the weights in the column
     * {@code weightColumn} (such as a returns file's {@code quantity}); other columns are ignored.
     */
    public static Interactions read(Path file, String weightColumn, IdMap.Builder users, IdMap.Builder items) {
        String name = file.toString();
        try (Reader reader = open(file);
             CSVParser parser = CSVParser.builder().setReader(reader).setFormat(FORMAT).get()) {
            Map<String, Integer> header = parser.getHeaderMap();
            if (header == null || header.isEmpty()) {
                throw new InvalidDataException(name + ": empty file, expected the header user_id,item_id,weight,timestamp");
            }
            int userCol = column(header, "user_id", name);
            int itemCol = column(header, "item_id", name);
            int weightCol = column(header, weightColumn, name);
            Integer timeCol = header.get("timestamp");
            var rows = new RowBuffer();
            for (CSVRecord record : parser) {
                long line = record.getRecordNumber() + 1;
                if (record.size() == 1 && record.get(0).isEmpty()) {
                    continue; // a blank line
                }
                if (record.size() < header.size()) {
                    throw new InvalidDataException(name + " line " + line + ": expected " + header.size()
                            + " fields, found " + record.size());
                }
                String user = record.get(userCol);
                String item = record.get(itemCol);
                if (user.isEmpty()) {
                    throw new InvalidDataException(name + " line " + line + ": empty user_id");
                }
                if (item.isEmpty()) {
                    throw new InvalidDataException(name + " line " + line + ": empty item_id");
                }
                float weight = weight(record.get(weightCol), name, line);
                long time = timeCol == null ? Interactions.NO_TIME : time(record.get(timeCol), name, line);
                rows.add(users.intern(user), items.intern(item), weight, time);
            }
            return rows.build(users.build(), items.build());
        } catch (NoSuchFileException e) {
            throw new InvalidDataException(name + ": no such file");
        } catch (IOException e) {
            throw new InvalidDataException(name + ": cannot read (" + e.getMessage() + ")", e);
        } catch (UncheckedIOException | IllegalStateException e) {
            // commons-csv reports malformed quoting this way
            throw new InvalidDataException(name + ": malformed CSV (" + e.getMessage() + ")", e);
        }
    }

    private static Reader open(Path file) throws IOException {
        if (!file.toString().endsWith(".gz")) {
            return Files.newBufferedReader(file, StandardCharsets.UTF_8);
        }
        InputStream in = Files.newInputStream(file);
        try {
            return new BufferedReader(new InputStreamReader(new GZIPInputStream(in, 1 << 16), StandardCharsets.UTF_8));
        } catch (IOException e) {
            in.close(); // not gzip
            throw e;
        }
    }

    private static int column(Map<String, Integer> header, String column, String name) {
        Integer c = header.get(column);
        if (c == null) {
            throw new InvalidDataException(name + ": missing column '" + column + "' in the header "
                    + header.keySet() + " (expected user_id,item_id,weight,timestamp)");
        }
        return c;
    }

    static float weight(String text, String name, long line) {
        double w;
        try {
            w = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new InvalidDataException(name + " line " + line + ": weight '" + text + "' is not a number");
        }
        if (Double.isNaN(w) || Double.isInfinite(w) || w > Float.MAX_VALUE) {
            throw new InvalidDataException(name + " line " + line + ": weight '" + text + "' is not finite");
        }
        if (w <= 0) {
            throw new InvalidDataException(name + " line " + line + ": weight " + text + " is not positive");
        }
        return (float) w;
    }

    static long time(String text, String name, long line) {
        if (text.isEmpty()) {
            return Interactions.NO_TIME;
        }
        try {
            return Instant.parse(text).getEpochSecond();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(text.replace(' ', 'T')).toEpochSecond(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                throw new InvalidDataException(name + " line " + line + ": timestamp '" + text
                        + "' is not ISO-8601 (like 2011-12-07T15:52:00Z)");
            }
        }
    }

    /** Growable rows before the final id maps are known. */
    private static final class RowBuffer {
        private final Interactions.Builder builder = new Interactions.Builder(null, null, 1 << 16);

        void add(int u, int i, float w, long t) {
            builder.add(u, i, w, t);
        }

        Interactions build(IdMap users, IdMap items) {
            return builder.buildOver(users, items);
        }
    }
}
