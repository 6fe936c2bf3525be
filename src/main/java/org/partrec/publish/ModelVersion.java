package org.partrec.publish;

import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model version: the id of the training run that made it, {@code yyyyMMdd'T'HHmmss'Z'-n} (the
 * run's start, UTC, to the second, then the run's number in its process). The one ordering of
 * versions: by time, then by run number ({@code -10} after {@code -9}, not before it as strings
 * sort). The run number has no leading zeros, so two versions that order equal are equal.
 *
 * @param time the start, {@code yyyyMMdd'T'HHmmss'Z'} (fixed width, so ordered as a string)
 * @param run  the run number, 0 or more
 */
public record ModelVersion(String time, int run) implements Comparable<ModelVersion> {

    private static final Pattern FORM = Pattern.compile("(\\d{8}T\\d{6}Z)-(0|[1-9]\\d{0,8})");
    private static final Comparator<ModelVersion> ORDER = Comparator.comparing(ModelVersion::time)
            .thenComparingInt(ModelVersion::run);

    public ModelVersion {
        if (time == null || !FORM.matcher(time + "-" + run).matches()) {
            throw new IllegalArgumentException("model version '" + time + "-" + run
                    + "' is not of the form yyyyMMdd'T'HHmmss'Z'-n");
        }
    }

    /** The version {@code id} names, or empty when it is not a run id (a popularity-only snapshot's, say). */
    public static Optional<ModelVersion> of(String id) {
        Matcher m = id == null ? null : FORM.matcher(id);
        return m != null && m.matches() ? Optional.of(new ModelVersion(m.group(1), Integer.parseInt(m.group(2))))
                : Optional.empty();
    }

    /** The version {@code id} names; an IllegalArgumentException when it is not of the form (so is safe in a blob name). */
    public static ModelVersion parse(String id) {
        return of(id).orElseThrow(() -> new IllegalArgumentException("model version '" + id
                + "' is not of the form yyyyMMdd'T'HHmmss'Z'-n"));
    }

    /** When the run that made it started; the epoch for a time that is no date (month 13, say). */
    public java.time.Instant startedAt() {
        try {
            return java.time.LocalDateTime.parse(time, START).toInstant(java.time.ZoneOffset.UTC);
        } catch (java.time.format.DateTimeParseException e) {
            return java.time.Instant.EPOCH;
        }
    }

    private static final java.time.format.DateTimeFormatter START =
            java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    public boolean isBefore(ModelVersion other) {
        return compareTo(other) < 0;
    }

    @Override
    public int compareTo(ModelVersion other) {
        return ORDER.compare(this, other);
    }

    /** The run id, as in blob names and {@code LATEST}. */
    @Override
    public String toString() {
        return time + "-" + run;
    }
}
