-- Before a batch export (and after its MERGE): the run's rows leave the staging table, so a
-- retried export starts from nothing and the MERGE never sees a row twice.
DELETE FROM {{staging}} WHERE run_id = @run_id
