package org.partrec.publish;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Named blobs under one root: the port a {@link ModelStore} keeps its files in (a local folder in
 * development, a bucket and prefix in staging and production). Names are relative paths with
 * {@code /} between segments, such as {@code models/20261127T221500Z-3.partrec}; segments are
 * letters, digits, {@code . _ -} and never {@code .} or {@code ..}.
 */
public interface BlobStore {

    /** Blob names this port accepts. */
    Pattern NAME = Pattern.compile("(?!\\.{1,2}(/|$))[A-Za-z0-9._-]+(/(?!\\.{1,2}(/|$))[A-Za-z0-9._-]+)*");

    /**
     * A new blob, replacing any of that name; it holds what was written once the stream is closed.
     * Write under a temporary name and {@link #move} it: a failed write may leave a partial blob.
     */
    OutputStream create(String name) throws IOException;

    /** The blob's bytes; {@link java.nio.file.NoSuchFileException} when there is none. */
    InputStream open(String name) throws IOException;

    /** Names of the blobs whose names start with {@code prefix}, in no particular order. */
    List<String> list(String prefix) throws IOException;

    /** Deletes the blob; false when there was none. */
    boolean delete(String name) throws IOException;

    /**
     * Renames {@code from} to {@code to}, replacing {@code to}: atomic where the backend can do it,
     * else a copy then a delete (so {@code to} is whole or absent, never partial).
     */
    void move(String from, String to) throws IOException;

    /**
     * A small blob with its generation: a number that changes with every write of it (0 when there
     * is no such blob), for {@link #writeIf} and {@link #deleteIf}.
     */
    record Versioned(byte[] bytes, long generation) {
        public static final Versioned ABSENT = new Versioned(new byte[0], 0);
    }

    /** The blob and its generation; {@link Versioned#ABSENT} when there is none. */
    Versioned read(String name) throws IOException;

    /**
     * Writes the blob only if it is still at {@code generation} (0: only if there is none),
     * atomically against every other writer of this store, other processes included: the
     * compare-and-set a lease needs. False, and nothing written, when another write came first.
     */
    boolean writeIf(String name, byte[] bytes, long generation) throws IOException;

    /** Deletes the blob only if it is still at {@code generation}; false otherwise. */
    boolean deleteIf(String name, long generation) throws IOException;

    /** Where the blob is, for people: {@code file:/...} or {@code gs://bucket/prefix/name}. */
    String location(String name);

    /** {@code name} when it is a valid blob name, else an IllegalArgumentException. */
    static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid blob name '" + name + "'");
        }
        return name;
    }

    /** {@code prefix} when it is empty or a valid blob name, optionally ending with {@code /}. */
    static String checkPrefix(String prefix) {
        if (prefix == null || !prefix.isEmpty() && !NAME.matcher(prefix.endsWith("/")
                ? prefix.substring(0, prefix.length() - 1) : prefix).matches()) {
            throw new IllegalArgumentException("invalid blob prefix '" + prefix + "'");
        }
        return prefix;
    }
}
