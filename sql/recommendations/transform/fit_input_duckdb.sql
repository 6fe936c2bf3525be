-- The fit's pairs (fit_pairs.sql, filled in below) on the embedded warehouse, written as Parquet to
-- one file in <input>/interactions/ (a string literal the service checks and quotes).
CREATE OR REPLACE TEMP TABLE fit_input AS
{{fit_pairs}};

COPY fit_input TO {{fit_location}} (FORMAT PARQUET);
