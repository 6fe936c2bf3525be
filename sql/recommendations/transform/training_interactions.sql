-- Transform: the extracted events into the rows the trainer reads, one per (user, item).
--   1. de-duplication: an event logged twice (same user, item, type and time) counts once;
--   2. weight = type weight (@view_weight, @cart_weight, @purchase_weight; -@return_weight for a
--              return or a refund, a purchase taken back: a negative preference)
--              x quantity capped at @quantity_cap (outlier orders)
--              x 0.5 ^ (age in days x @decay_per_day)   (time decay; 0 = none, 1/half-life otherwise,
--                                                        age measured back from @until)
--      events of any other type, or with a quantity that is not a number in (0, 1e9), are left
--      out (NaN and infinities compare false, in BigQuery and DuckDB alike);
--   3. per (user, item): weights summed, purchased and returned quantities summed, time of the
--      latest event. A pair whose weight is not above 0 (its returns outweigh the interest shown)
--      is no training row; it is still sent when it was bought and returned, with its weight
--      <= 0, so that the service does not recommend the part back and, when it was returned in
--      full, does not count it as a purchase whose substitutes leave the customer's list
--      (TrainingSet);
--   4. minimum counts, one pass over the pairs kept for training: users with at least
--      @min_user_items distinct items and items with at least @min_item_users distinct users.
WITH deduplicated AS (
  SELECT user_id, item_id, event_type, quantity, event_time
  FROM {{extracted_events}}
  QUALIFY ROW_NUMBER() OVER (
    PARTITION BY user_id, item_id, event_type, event_time ORDER BY quantity DESC) = 1
),
weighted AS (
  SELECT
    user_id,
    item_id,
    event_time,
    CASE event_type
      WHEN 'view' THEN @view_weight
      WHEN 'add_to_cart' THEN @cart_weight
      WHEN 'purchase' THEN @purchase_weight
      ELSE -@return_weight
    END
      * LEAST(quantity, @quantity_cap)
      * POW(0.5, (UNIX_SECONDS(@until) - UNIX_SECONDS(event_time)) / 86400.0 * @decay_per_day) AS weight,
    IF(event_type = 'purchase', quantity, 0) AS purchased,
    IF(event_type IN ('return', 'refund'), quantity, 0) AS returned
  FROM deduplicated
  WHERE event_type IN ('view', 'add_to_cart', 'purchase', 'return', 'refund')
    AND quantity > 0
    AND quantity < 1e9
),
pairs AS (
  SELECT
    user_id,
    item_id,
    SUM(weight) AS weight,
    SUM(purchased) AS purchased,
    SUM(returned) AS returned,
    UNIX_SECONDS(MAX(event_time)) AS last_seen
  FROM weighted
  GROUP BY user_id, item_id
),
kept AS (
  SELECT user_id, item_id FROM pairs WHERE weight > 0
),
active_users AS (
  SELECT user_id FROM kept GROUP BY user_id HAVING COUNT(*) >= @min_user_items
),
active_items AS (
  SELECT item_id FROM kept GROUP BY item_id HAVING COUNT(*) >= @min_item_users
)
SELECT p.user_id, p.item_id, p.weight, p.purchased, p.returned, p.last_seen
FROM pairs AS p
JOIN active_users AS u ON u.user_id = p.user_id
JOIN active_items AS i ON i.item_id = p.item_id
WHERE p.weight > 0 OR (p.purchased > 0 AND p.returned > 0)
