-- The fit's pairs (fit_pairs.sql, filled in below) on BigQuery, exported as Parquet to
-- ('gs://<bucket>/<prefix>/interactions/*.parquet', a string literal the service checks and
-- quotes: EXPORT DATA takes no query parameter in its options).
EXPORT DATA OPTIONS (uri = {{fit_location}}, format = 'PARQUET', overwrite = true) AS
{{fit_pairs}}
