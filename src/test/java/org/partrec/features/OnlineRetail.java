package org.partrec.features;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one place tests and benchmarks find the UCI Online Retail files: the shared benchmark's
 * {@code events.csv}, {@code train.csv}, {@code test.csv} and {@code returns.csv}, committed gzipped in
 * {@code datasets/online-retail} (CC BY 4.0; source and attribution in its README).
 * {@link InteractionCsv} reads them as they are.
 */
public final class OnlineRetail {

    /** Surefire and failsafe set {@code basedir}; elsewhere the project directory is the working one. */
    public static final Path DIR = Path.of(System.getProperty("basedir", ".")).resolve("datasets/online-retail");

    private OnlineRetail() {
    }

    /** The protocol's train split, one row per (user, item) pair. */
    public static Path train() {
        return file("train.csv.gz");
    }

    /** The protocol's test split, one row per (user, item) pair. */
    public static Path test() {
        return file("test.csv.gz");
    }

    /** One row per purchase line, the input of the protocol's split. */
    public static Path events() {
        return file("events.csv.gz");
    }

    /** The cancellation lines with a customer, {@code user_id,item_id,quantity,timestamp,invoice}: returns. */
    public static Path returns() {
        return file("returns.csv.gz");
    }

    private static Path file(String name) {
        Path file = DIR.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file.toAbsolutePath() + " is missing (committed in the repository;"
                    + " run from the project directory)");
        }
        return file;
    }
}
