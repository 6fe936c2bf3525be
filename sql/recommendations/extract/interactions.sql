-- Extract: the raw interaction events of the training window [@since, @until), as logged, with
-- the events the storefront posted (POST /events) beside them, each event_id once.
-- The adapter materialises the result as {{extracted_events}} (BigQuery: a query job with that
-- destination table and WRITE_TRUNCATE; DuckDB: CREATE OR REPLACE TABLE .. AS), so that the
-- transform reads one consistent copy.
SELECT
  user_id,
  item_id,
  LOWER(event_type) AS event_type,
  quantity,
  event_time
FROM {{events}}
WHERE event_time >= @since
  AND event_time < @until
  AND user_id IS NOT NULL AND user_id != ''
  AND item_id IS NOT NULL AND item_id != ''
UNION ALL
SELECT
  user_id,
  item_id,
  event_type,
  quantity,
  event_time
FROM {{storefront_events}}
WHERE event_time >= @since
  AND event_time < @until
QUALIFY ROW_NUMBER() OVER (PARTITION BY event_id ORDER BY received_at) = 1
