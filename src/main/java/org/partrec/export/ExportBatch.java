package org.partrec.export;

import java.time.Instant;

/**
 * One batch of ranked rows for one output table, as parallel arrays: row {@code r} says that for
 * {@code keys[r]} (a user, or an item) the entry at rank {@code ranks[r]} (1 is the best) is
 * {@code values[r]} with {@code scores[r]}. The arrays may be longer than {@code size} and are
 * reused for the next batch once the sink returns: a sink copies what it keeps.
 */
public record ExportBatch(String runId, String modelVersion, Instant exportedAt, String[] keys, int[] ranks,
                          String[] values, float[] scores, int size) {
}
