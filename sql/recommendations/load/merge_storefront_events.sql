-- POST /events: a batch's staged events into {{storefront_events}}, each event_id once. An id
-- stored before is not inserted again, nor one given twice in the batch (its first wins); the
-- statement's count is the events it added.
MERGE INTO {{storefront_events}} AS t
USING (
  SELECT event_id, user_id, item_id, event_type, quantity, event_time, recommendation_id, received_at
  FROM {{storefront_events_staging}}
  WHERE batch_id = @batch_id
  QUALIFY ROW_NUMBER() OVER (PARTITION BY event_id ORDER BY position) = 1
) AS s
ON t.event_id = s.event_id
WHEN NOT MATCHED THEN INSERT (event_id, user_id, item_id, event_type, quantity, event_time, recommendation_id,
    received_at)
  VALUES (s.event_id, s.user_id, s.item_id, s.event_type, s.quantity, s.event_time, s.recommendation_id,
    s.received_at)
