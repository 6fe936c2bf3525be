-- Batch export: a run's top-N per user, from staging into the output table. Keyed by
-- (run_id, user_id, rank), so exporting the same run again changes nothing and drops nothing.
MERGE INTO {{user_recommendations}} AS t
USING (
  SELECT run_id, model_version, user_id, rank, item_id, score, exported_at
  FROM {{user_recommendations_staging}}
  WHERE run_id = @run_id
) AS s
ON t.run_id = s.run_id AND t.user_id = s.user_id AND t.rank = s.rank
WHEN MATCHED THEN UPDATE SET
  model_version = s.model_version, item_id = s.item_id, score = s.score, exported_at = s.exported_at
WHEN NOT MATCHED THEN INSERT (run_id, model_version, user_id, rank, item_id, score, exported_at)
  VALUES (s.run_id, s.model_version, s.user_id, s.rank, s.item_id, s.score, s.exported_at)
