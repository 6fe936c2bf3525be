-- Extract: the parts catalogue, what the storefront shows and filters on.
SELECT
  part_number AS item_id,
  name,
  brand,
  category,
  price,
  in_stock,
  fitment
FROM {{catalog}}
WHERE part_number IS NOT NULL
