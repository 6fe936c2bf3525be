-- Extract: the parts catalogue, what the storefront shows and filters on.
SELECT
  part_number AS item_id,
  name,
  brand,
  category,
  price,
  in_stock,
  fitment,
  margin                           -- gross margin, a fraction of the price (NULL: unknown)
FROM {{catalog}}
WHERE part_number IS NOT NULL
