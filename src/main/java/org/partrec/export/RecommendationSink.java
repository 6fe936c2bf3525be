package org.partrec.export;

/**
 * Where batch recommendations go (the warehouse's output tables). A batch lands in a staging
 * table first; {@link #merge} moves one run's staged rows into the output table keyed by
 * (run, key, rank), so writing the same run twice changes nothing and drops nothing.
 */
public interface RecommendationSink {

    /** The two outputs. */
    enum Table { USER_RECOMMENDATIONS, SIMILAR_ITEMS }

    /** Removes whatever an earlier attempt staged for {@code runId}. */
    void clearStaging(Table table, String runId);

    /** Appends a batch to the staging table. */
    void stage(Table table, ExportBatch batch);

    /** Merges the run's staged rows into the output table, then clears them; returns the run's rows in the output. */
    long merge(Table table, String runId);
}
