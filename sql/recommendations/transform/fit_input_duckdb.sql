-- The fit's interactions for a trainer outside the service (partrec.training.engine: spark), on
-- the embedded warehouse: the rows of training_interactions.sql (filled in below,
-- with the same parameters) that a fit sees, written as Parquet to one file in
-- <input>/interactions/ (a string literal the service checks and quotes). BigQuery does the same
-- with fit_input_bigquery.sql; the two differ only in how the rows are written.
--   * only the pairs with a weight above 0 (the interactions; pairs kept for their returns are not);
--   * with @without_holdout, the holdout split's train part (evaluate.HoldoutSplit, timed): for a
--     user with at least 3 pairs, the newest CEIL(20%) by (last_seen, item_id) are held out;
--     the service checks the artifact the job wrote against its own split, pair by pair.
CREATE OR REPLACE TEMP TABLE fit_input AS
WITH transformed AS (
{{training_interactions}}
),
pairs AS (
  SELECT
    user_id,
    item_id,
    weight,
    COUNT(*) OVER (PARTITION BY user_id) AS user_pairs,
    ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY last_seen DESC, item_id DESC) AS newest
  FROM transformed
  WHERE weight > 0
)
SELECT CAST(user_id AS STRING) AS user_id, CAST(item_id AS STRING) AS item_id, CAST(weight AS FLOAT64) AS weight
FROM pairs
WHERE NOT @without_holdout OR user_pairs < 3 OR newest > CEIL(user_pairs / 5.0);

COPY fit_input TO {{fit_location}} (FORMAT PARQUET);
