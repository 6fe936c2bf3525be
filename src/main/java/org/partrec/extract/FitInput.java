package org.partrec.extract;

/**
 * Where the warehouse writes the interactions of one fit for a trainer outside this process
 * ({@code partrec.training.engine: spark}, README "engine: spark"): Parquet files under
 * {@code <location>/interactions/}, one row per (user, item) the fit is to see, with the columns
 * {@code user_id} (string), {@code item_id} (string) and {@code weight} (double: the transform's
 * summed event weight, above 0, before the fit's weighting). The rows come from the staged extract
 * through the transform's own SQL ({@code transform/training_interactions}), so they are the
 * rows the service reads into its {@code TrainingSet}; the data never passes through this process.
 */
public interface FitInput {

    /** Which pairs a fit sees. */
    enum Part {
        /**
         * The holdout split's train part: every pair but the held-out ones, by the timed rule of
         * {@code evaluate.HoldoutSplit} (per user with at least 3 pairs, the newest {@code ceil(20%)}
         * by (time, item id) are held out). What the evaluated fit sees.
         */
        SPLIT_TRAIN,
        /** Every pair: what the refit of a model that passed the gate sees. */
        ALL
    }

    /**
     * Writes the pairs of {@code part} of the transform of {@code window} under
     * {@code location/interactions/}, replacing what a write there left before.
     *
     * @param location a folder (the embedded warehouse) or a {@code gs://bucket/prefix} (BigQuery)
     * @return the rows written, or -1 when the warehouse does not say
     */
    long write(Window window, TransformRules rules, Part part, String location);
}
