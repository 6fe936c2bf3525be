-- The source tables the extract reads, as the store's warehouse holds them. In BigQuery they
-- belong to the data team and exist already; the embedded warehouse creates them (empty) and
-- loads the generated demo store into them on first start.
CREATE TABLE IF NOT EXISTS {{events}} (
  user_id STRING NOT NULL,
  item_id STRING NOT NULL,
  event_type STRING NOT NULL,      -- view | add_to_cart | purchase
  quantity FLOAT64 NOT NULL,
  event_time TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS {{catalog}} (
  part_number STRING NOT NULL,
  name STRING,
  brand STRING,
  category STRING,
  price FLOAT64,
  in_stock BOOL,
  fitment STRING,                  -- a vehicle platform, or universal
  margin FLOAT64                   -- gross margin as a fraction of the price, NULL when unknown
);
-- a catalogue created before the margin column gets it, empty
ALTER TABLE {{catalog}} ADD COLUMN IF NOT EXISTS margin FLOAT64;
