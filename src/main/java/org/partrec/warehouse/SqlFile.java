package org.partrec.warehouse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One file of {@code sql/recommendations}, as written: BigQuery Standard SQL with named
 * parameters ({@code @since}) and table placeholders ({@code {{events}}}) that the dialect fills
 * with quoted, configured table names. A file may hold several statements, each ended by a
 * semicolon.
 */
final class SqlFile {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z_]+)}}");

    private final String name;
    private final String text;

    private SqlFile(String name, String text) {
        this.name = name;
        this.text = text;
    }

    /** Reads {@code sql/recommendations/<name>.sql} from the classpath (the jar carries the folder). */
    static SqlFile load(String name) {
        String path = "/sql/recommendations/" + name + ".sql";
        try (InputStream in = SqlFile.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("SQL file missing from the classpath: " + path);
            }
            return new SqlFile(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    String name() {
        return name;
    }

    String text() {
        return text;
    }

    /**
     * This file with every {@code {{placeholder}}} replaced by {@code text} as it is, before the
     * tables are filled in: another file's SQL ({@link #fitInput} nests the transform's query in
     * {@code transform/fit_pairs}, and that in a warehouse's write), or a checked, quoted literal.
     */
    SqlFile with(String placeholder, String text) {
        return new SqlFile(name, this.text.replace("{{" + placeholder + "}}", text));
    }

    /**
     * A warehouse's {@code transform/fit_input_<warehouse>} writing the fit's pairs
     * ({@code transform/fit_pairs}, itself around {@code transform/training_interactions}) to
     * {@code location}, a string the caller has checked: it goes in as a quoted literal.
     */
    static SqlFile fitInput(String warehouse, String location) {
        String pairs = load("transform/fit_pairs").with("training_interactions",
                load("transform/training_interactions").text()).text();
        return load("transform/fit_input_" + warehouse).with("fit_pairs", pairs).with("fit_location", "'" + location + "'");
    }

    /** The text with every placeholder replaced by {@code tables.get(name)}; an unknown one is an error. */
    String withTables(Map<String, String> tables) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String table = tables.get(m.group(1));
            if (table == null) {
                throw new IllegalArgumentException(name + ".sql names {{" + m.group(1) + "}}, which is not a configured table");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(table));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * Splits {@code sql} into statements at semicolons outside strings, quoted names and
     * comments; blank statements are dropped.
     */
    static List<String> statements(String sql) {
        List<String> out = new ArrayList<>();
        Scanner s = new Scanner(sql);
        int start = 0;
        while (s.next()) {
            if (s.code() && sql.charAt(s.at()) == ';') {
                add(out, sql.substring(start, s.at()));
                start = s.at() + 1;
            }
        }
        add(out, sql.substring(start));
        return out;
    }

    /**
     * {@code sql} with every named parameter {@code @name} outside strings, quoted names and
     * comments replaced by {@code replacement.apply(name)}, called in order of appearance
     * ({@code @@} system variables are left alone).
     */
    static String replaceParameters(String sql, java.util.function.Function<String, String> replacement) {
        StringBuilder out = new StringBuilder(sql.length());
        Scanner s = new Scanner(sql);
        int copied = 0;
        while (s.next()) {
            int at = s.at();
            if (s.code() && sql.charAt(at) == '@' && at + 1 < sql.length()
                    && Character.isJavaIdentifierStart(sql.charAt(at + 1)) && (at == 0 || sql.charAt(at - 1) != '@')) {
                int end = at + 1;
                while (end < sql.length() && Character.isJavaIdentifierPart(sql.charAt(end))) {
                    end++;
                }
                out.append(sql, copied, at).append(replacement.apply(sql.substring(at + 1, end)));
                copied = end;
                while (s.at() < end - 1 && s.next()) {
                    // skip the name
                }
            }
        }
        return out.append(sql.substring(copied)).toString();
    }

    /** The distinct parameter names of {@code sql}, in order of first appearance. */
    static List<String> parameterNames(String sql) {
        java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
        replaceParameters(sql, name -> {
            names.add(name);
            return "";
        });
        return List.copyOf(names);
    }

    private static void add(List<String> out, String statement) {
        if (!Scanner.onlyComments(statement)) {
            out.add(statement.strip());
        }
    }

    /**
     * Walks SQL text a character at a time, knowing whether the character is code or inside a
     * string, a quoted name or a comment.
     */
    static final class Scanner {
        private final String sql;
        private int at = -1;
        private char quote;       // ', " or ` while inside one
        private boolean line;     // inside -- or #
        private boolean block;    // inside /* */
        private boolean code;

        Scanner(String sql) {
            this.sql = sql;
        }

        boolean next() {
            at++;
            if (at >= sql.length()) {
                return false;
            }
            char c = sql.charAt(at);
            char n = at + 1 < sql.length() ? sql.charAt(at + 1) : 0;
            code = false;
            if (line) {
                line = c != '\n';
            } else if (block) {
                if (c == '*' && n == '/') {
                    block = false;
                    at++;
                }
            } else if (quote != 0) {
                if (c == '\\') {
                    at++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"' || c == '`') {
                quote = c;
            } else if ((c == '-' && n == '-') || c == '#') {
                line = true;
            } else if (c == '/' && n == '*') {
                block = true;
                at++;
            } else {
                code = true;
            }
            return true;
        }

        int at() {
            return at;
        }

        /** Whether the current character is code (not in a string, quoted name or comment). */
        boolean code() {
            return code;
        }

        static boolean onlyComments(String sql) {
            Scanner s = new Scanner(sql);
            while (s.next()) {
                if (s.code() && !Character.isWhitespace(sql.charAt(s.at()))) {
                    return false;
                }
            }
            return true;
        }
    }
}
