SELECT
  SUM(CAST(ROUND(price * quantity, 2) AS DECIMAL(12, 2))) AS gross,
  MAX(LENGTH(LOWER(sku))) AS longest_sku,
  COUNT(*) AS lines
FROM sales.order_lines;
