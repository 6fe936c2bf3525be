-- A run record, written when the run ends and again when its export ends: one row per run_id.
MERGE INTO {{training_runs}} AS t
USING (
  SELECT
    @run_id AS run_id, @trigger AS trigger, @status AS status, @started_at AS started_at,
    @ended_at AS ended_at, @model_version AS model_version, @artifact AS artifact,
    @parameters AS parameters, @data_stats AS data_stats, @steps AS steps, @metrics AS metrics,
    @reasons AS reasons, @export AS export, @updated_at AS updated_at
) AS s
ON t.run_id = s.run_id
WHEN MATCHED THEN UPDATE SET
  trigger = s.trigger, status = s.status, started_at = s.started_at, ended_at = s.ended_at,
  model_version = s.model_version, artifact = s.artifact, parameters = s.parameters,
  data_stats = s.data_stats, steps = s.steps, metrics = s.metrics, reasons = s.reasons,
  export = s.export, updated_at = s.updated_at
WHEN NOT MATCHED THEN INSERT (run_id, trigger, status, started_at, ended_at, model_version, artifact,
  parameters, data_stats, steps, metrics, reasons, export, updated_at)
  VALUES (s.run_id, s.trigger, s.status, s.started_at, s.ended_at, s.model_version, s.artifact,
  s.parameters, s.data_stats, s.steps, s.metrics, s.reasons, s.export, s.updated_at)
