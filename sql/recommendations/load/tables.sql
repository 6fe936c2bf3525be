-- The tables the service writes: batch recommendations and similar items (each with a staging
-- table of the same shape that batches land in before the MERGE), the run records, and the
-- events the storefront posts (POST /events; with a staging table too).
-- Created if missing at start-up, in BigQuery and in the embedded warehouse alike.
CREATE TABLE IF NOT EXISTS {{user_recommendations}} (
  run_id STRING NOT NULL,
  model_version STRING NOT NULL,
  user_id STRING NOT NULL,
  rank INT64 NOT NULL,             -- 1 is the best
  item_id STRING NOT NULL,
  score FLOAT64 NOT NULL,
  exported_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS {{user_recommendations_staging}} (
  run_id STRING NOT NULL,
  model_version STRING NOT NULL,
  user_id STRING NOT NULL,
  rank INT64 NOT NULL,
  item_id STRING NOT NULL,
  score FLOAT64 NOT NULL,
  exported_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS {{similar_items}} (
  run_id STRING NOT NULL,
  model_version STRING NOT NULL,
  item_id STRING NOT NULL,
  rank INT64 NOT NULL,
  similar_item_id STRING NOT NULL,
  score FLOAT64 NOT NULL,          -- cosine similarity
  exported_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS {{similar_items_staging}} (
  run_id STRING NOT NULL,
  model_version STRING NOT NULL,
  item_id STRING NOT NULL,
  rank INT64 NOT NULL,
  similar_item_id STRING NOT NULL,
  score FLOAT64 NOT NULL,
  exported_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS {{training_runs}} (
  run_id STRING NOT NULL,
  trigger STRING,
  status STRING NOT NULL,          -- running | promoted | rejected | failed
  started_at TIMESTAMP NOT NULL,
  ended_at TIMESTAMP,
  model_version STRING,
  artifact STRING,                 -- where the promoted model artifact is stored
  parameters STRING,               -- JSON: the ALS parameters
  data_stats STRING,               -- JSON: events, users, items, pairs
  steps STRING,                    -- JSON: each step's name, start, seconds and details
  metrics STRING,                  -- JSON: holdout metrics
  reasons STRING,                  -- JSON: why the gate rejected it, or why it failed
  export STRING,                   -- JSON: the batch export's outcome
  updated_at TIMESTAMP NOT NULL
);
-- Events posted by the storefront. The embedded warehouse appends an id not among the day's
-- stored ones (DuckDbWarehouse.store); BigQuery appends them by streaming insert with the event id
-- as insertId. Either way a late repeat may be stored twice: the extract reads each event_id once,
-- beside {{events}}, in the same vocabulary.
CREATE TABLE IF NOT EXISTS {{storefront_events}} (
  event_id STRING NOT NULL,
  user_id STRING NOT NULL,
  item_id STRING NOT NULL,
  event_type STRING NOT NULL,      -- view | add_to_cart | purchase | return
  quantity FLOAT64 NOT NULL,
  event_time TIMESTAMP NOT NULL,
  recommendation_id STRING,        -- the answer the event came from, when it did
  received_at TIMESTAMP NOT NULL
);
