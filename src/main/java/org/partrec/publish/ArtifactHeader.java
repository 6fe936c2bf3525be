package org.partrec.publish;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.partrec.features.Weighting;
import org.partrec.train.AlsParams;
import org.partrec.train.Solver;

/**
 * The JSON header of a model artifact (see {@link ModelArtifact} for the layout): what the model
 * is, its counts, and the byte length of every section. Parsing checks every count against the
 * format's limits, so a reader allocates nothing the header does not justify.
 *
 * @param sections byte length of each section, indexed by {@link Section#ordinal()}
 */
record ArtifactHeader(int format, String version, Instant createdAt, String codeVersion, int factors, int users,
                      int items, int interactionsNnz, int purchasedNnz, int catalogRows, int similarRows,
                      int similarNnz, AlsParams params, Map<String, Double> metrics, Map<String, Long> data,
                      long[] sections) {

    /** Longest header accepted, in bytes. */
    static final int MAX_LENGTH = 1 << 20;
    /** Most users or items accepted. */
    static final int MAX_ROWS = 1 << 28;
    /** Longest array a section may need. */
    static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The sections, in file order. */
    enum Section {
        USER_IDS("user_ids", "user ids"),
        ITEM_IDS("item_ids", "item ids"),
        USER_FACTORS("user_factors", "user factors"),
        ITEM_FACTORS("item_factors", "item factors"),
        INTERACTIONS("interactions", "interactions"),
        PURCHASED("purchased", "purchased"),
        CATALOG("catalog", "catalog"),
        /** From format 2. */
        SIMILAR("similar", "similar"),
        /** From format 3. */
        PURCHASED_AT("purchased_at", "purchased at");

        final String key;
        final String label;

        /** The first format with this section. */
        int since() {
            return this == SIMILAR ? 2 : this == PURCHASED_AT ? 3 : 1;
        }

        Section(String key, String label) {
            this.key = key;
            this.label = label;
        }
    }

    long section(Section s) {
        return sections[s.ordinal()];
    }

    /** Byte length of a factors section: {@code rows * factors} floats. */
    static long factorBytes(int rows, int factors) {
        return 4L * rows * factors;
    }

    /** Byte length of a CSR section: {@code rows + 1} row starts, then {@code nnz} columns and values. */
    static long csrBytes(int rows, int nnz) {
        return 4L * (rows + 1) + 8L * nnz;
    }

    byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", format);
        root.put("version", version);
        root.put("created", createdAt.toString());
        root.put("code_version", codeVersion);
        root.put("factors", factors);
        root.put("users", users);
        root.put("items", items);
        root.put("interactions_nnz", interactionsNnz);
        root.put("purchased_nnz", purchasedNnz);
        root.put("catalog_rows", catalogRows);
        if (format >= 2) {
            root.put("similar_rows", similarRows);
            root.put("similar_nnz", similarNnz);
        }
        root.set("params", JSON.valueToTree(params.asMap()));
        ObjectNode m = root.putObject("metrics");
        new TreeMap<>(metrics).forEach(m::put);
        ObjectNode d = root.putObject("data");
        new TreeMap<>(data).forEach(d::put);
        ObjectNode s = root.putObject("sections");
        for (Section section : Section.values()) {
            if (section.since() <= format) {
                s.put(section.key, section(section));
            }
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain values always serialises", e);
        }
    }

    /** The header of a file of format {@code format} (already checked to be one this build reads). */
    static ArtifactHeader parse(byte[] json, int format) throws InvalidArtifactException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw invalid("not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw invalid("not valid JSON (" + e.getMessage() + ")");
        }
        if (root == null || !root.isObject()) {
            throw invalid("not a JSON object");
        }
        if (count(root, "format", Integer.MAX_VALUE) != format) {
            throw invalid("format " + root.get("format") + " differs from the file's format version " + format);
        }
        int factors = (int) count(root, "factors", 1024);
        int users = (int) count(root, "users", MAX_ROWS);
        int items = (int) count(root, "items", MAX_ROWS);
        int catalogRows = (int) count(root, "catalog_rows", items);
        int similarRows = format >= 2 ? (int) count(root, "similar_rows", items) : 0;
        int similarNnz = format >= 2 ? (int) count(root, "similar_nnz", MAX_ARRAY) : 0;
        ArtifactHeader header = new ArtifactHeader(format, text(root, "version"), instant(root, "created"),
                text(root, "code_version"), factors, users, items,
                (int) count(root, "interactions_nnz", MAX_ARRAY), (int) count(root, "purchased_nnz", MAX_ARRAY),
                catalogRows, similarRows, similarNnz, params(field(root, "params")), metrics(field(root, "metrics")),
                data(field(root, "data")), sections(field(root, "sections"), format));
        header.checkSections();
        return header;
    }

    /** The fixed-size sections must be as long as the counts say; the others within the limits. */
    private void checkSections() throws InvalidArtifactException {
        expect(Section.USER_FACTORS, factorBytes(users, factors));
        expect(Section.ITEM_FACTORS, factorBytes(items, factors));
        expect(Section.INTERACTIONS, csrBytes(users, interactionsNnz));
        expect(Section.PURCHASED, csrBytes(users, purchasedNnz));
        within(Section.USER_IDS, 4L * (users + 1), 4L * (users + 1) + MAX_ARRAY);
        within(Section.ITEM_IDS, 4L * (items + 1), 4L * (items + 1) + MAX_ARRAY);
        within(Section.CATALOG, items, Long.MAX_VALUE);
        if (similarRows != 0 && similarRows != items) {
            throw invalid("similar_rows is " + similarRows + ", expected 0 or the " + items + " items");
        }
        expect(Section.SIMILAR, similarRows == 0 ? 0 : csrBytes(similarRows, similarNnz));
        if (section(Section.PURCHASED_AT) != 0) {
            expect(Section.PURCHASED_AT, 4L * purchasedNnz);
        }
    }

    private void expect(Section s, long bytes) throws InvalidArtifactException {
        if (section(s) != bytes) {
            throw invalid("section " + s.key + " is " + section(s) + " bytes, the counts give " + bytes);
        }
    }

    private void within(Section s, long min, long max) throws InvalidArtifactException {
        if (section(s) < min || section(s) > max) {
            throw invalid("section " + s.key + " is " + section(s) + " bytes, outside " + min + ".." + max);
        }
    }

    private static AlsParams params(JsonNode n) throws InvalidArtifactException {
        try {
            return new AlsParams((int) count(n, "factors", 1024), (int) count(n, "iterations", Integer.MAX_VALUE),
                    number(n, "regularization"), number(n, "alpha"), Weighting.parse(text(n, "weighting")),
                    Solver.parse(text(n, "solver")), (int) count(n, "cg_steps", Integer.MAX_VALUE),
                    (int) count(n, "threads", Integer.MAX_VALUE), integral(n, "seed"));
        } catch (IllegalArgumentException e) {
            throw invalid("params: " + e.getMessage());
        }
    }

    private static Map<String, Double> metrics(JsonNode n) throws InvalidArtifactException {
        Map<String, Double> out = new LinkedHashMap<>();
        for (var it = n.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            out.put(name, number(n, name));
        }
        return out;
    }

    private static Map<String, Long> data(JsonNode n) throws InvalidArtifactException {
        Map<String, Long> out = new LinkedHashMap<>();
        for (var it = n.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            out.put(name, integral(n, name));
        }
        return out;
    }

    private static long[] sections(JsonNode n, int format) throws InvalidArtifactException {
        long[] out = new long[Section.values().length];
        for (Section s : Section.values()) {
            out[s.ordinal()] = format < s.since() ? 0 : count(n, s.key, Long.MAX_VALUE);
        }
        return out;
    }

    private static JsonNode field(JsonNode n, String name) throws InvalidArtifactException {
        JsonNode v = n.get(name);
        if (v == null || !v.isObject()) {
            throw invalid("field '" + name + "' missing or not an object");
        }
        return v;
    }

    private static String text(JsonNode n, String name) throws InvalidArtifactException {
        JsonNode v = n.get(name);
        if (v == null || !v.isTextual()) {
            throw invalid("field '" + name + "' missing or not a string");
        }
        return v.textValue();
    }

    private static Instant instant(JsonNode n, String name) throws InvalidArtifactException {
        try {
            return Instant.parse(text(n, name));
        } catch (DateTimeParseException e) {
            throw invalid("field '" + name + "' is not an ISO-8601 instant");
        }
    }

    private static long integral(JsonNode n, String name) throws InvalidArtifactException {
        JsonNode v = n.get(name);
        if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
            throw invalid("field '" + name + "' missing or not a whole number");
        }
        return v.longValue();
    }

    private static long count(JsonNode n, String name, long max) throws InvalidArtifactException {
        long v = integral(n, name);
        if (v < 0 || v > max) {
            throw invalid("field '" + name + "' is " + v + ", outside 0.." + max);
        }
        return v;
    }

    /** A number, or one of the strings JSON writers use for NaN and the infinities. */
    private static double number(JsonNode n, String name) throws InvalidArtifactException {
        JsonNode v = n.get(name);
        if (v != null && v.isNumber()) {
            return v.doubleValue();
        }
        return switch (v != null && v.isTextual() ? v.textValue() : "") {
            case "NaN" -> Double.NaN;
            case "Infinity" -> Double.POSITIVE_INFINITY;
            case "-Infinity" -> Double.NEGATIVE_INFINITY;
            default -> throw invalid("field '" + name + "' missing or not a number");
        };
    }

    private static InvalidArtifactException invalid(String what) {
        return new InvalidArtifactException("bad header: " + what);
    }
}
