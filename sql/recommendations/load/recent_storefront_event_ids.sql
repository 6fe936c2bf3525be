-- POST /events (embedded warehouse): the ids stored since @since and when, newest first, at most @limit: the
-- writer's memory of recent ids, read when it starts, against which a posted id counts as a repeat.
SELECT event_id, received_at
FROM {{storefront_events}}
WHERE received_at >= @since
ORDER BY received_at DESC
LIMIT @limit
