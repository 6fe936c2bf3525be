-- The pairs a fit outside the service sees (partrec.training.engine: spark): the rows of
-- training_interactions.sql (filled in below, with the same parameters), as user_id, item_id and
-- weight. fit_input_duckdb.sql and fit_input_bigquery.sql write them as Parquet; they differ only
-- in how.
--   * only the pairs with a weight above 0 (the interactions; pairs kept for their returns are not);
--   * with @without_holdout, the holdout split's train part (evaluate.HoldoutSplit, timed): for a
--     user with at least 3 pairs, the newest CEIL(20%) by (last_seen, item_id) are held out;
--     the service checks the artifact the job wrote against its own split, pair by pair.
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
WHERE NOT @without_holdout OR user_pairs < 3 OR newest > CEIL(user_pairs / 5.0)
