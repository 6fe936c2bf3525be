-- After a batch's MERGE (and before a retried one): its rows leave the staging table.
DELETE FROM {{storefront_events_staging}} WHERE batch_id = @batch_id
