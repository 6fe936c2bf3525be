-- Batch export: a run's top-N similar items per item, from staging into the output table. Keyed
-- by (run_id, item_id, rank), so exporting the same run again changes nothing and drops nothing.
MERGE INTO {{similar_items}} AS t
USING (
  SELECT run_id, model_version, item_id, rank, similar_item_id, score, exported_at
  FROM {{similar_items_staging}}
  WHERE run_id = @run_id
) AS s
ON t.run_id = s.run_id AND t.item_id = s.item_id AND t.rank = s.rank
WHEN MATCHED THEN UPDATE SET
  model_version = s.model_version, similar_item_id = s.similar_item_id, score = s.score,
  exported_at = s.exported_at
WHEN NOT MATCHED THEN INSERT (run_id, model_version, item_id, rank, similar_item_id, score, exported_at)
  VALUES (s.run_id, s.model_version, s.item_id, s.rank, s.similar_item_id, s.score, s.exported_at)
