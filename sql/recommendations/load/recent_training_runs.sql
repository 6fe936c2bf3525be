-- The newest run records, for the ops endpoint.
SELECT run_id, trigger, status, started_at, ended_at, model_version, artifact, parameters,
  data_stats, steps, metrics, reasons, export
FROM {{training_runs}}
ORDER BY started_at DESC, run_id DESC
LIMIT @limit
