-- POST /events (embedded warehouse): the staged events of one write (the batches that waited for
-- it) into {{storefront_events}}, each event_id once: not an id stored since @since (a day before
-- the write: a client's retries come within minutes), nor one given twice in the write (its first
-- wins). Only that day of stored ids is read, so the write's cost does not grow with the table; an
-- id repeated later is stored again, and the extract reads each event_id once all the same.
-- Returns the ids it added.
INSERT INTO {{storefront_events}} (event_id, user_id, item_id, event_type, quantity, event_time,
    recommendation_id, received_at)
SELECT s.event_id, s.user_id, s.item_id, s.event_type, s.quantity, s.event_time, s.recommendation_id, s.received_at
FROM {{storefront_events_staging}} AS s
WHERE s.batch_id = @batch_id
  AND NOT EXISTS (
    SELECT 1 FROM {{storefront_events}} AS t
    WHERE t.received_at >= @since AND t.event_id = s.event_id)
QUALIFY ROW_NUMBER() OVER (PARTITION BY s.event_id ORDER BY s.position) = 1
RETURNING event_id
