-- dialect: bigquery
-- https://cloud.google.com/bigquery/docs/reference/standard-sql/query-syntax#unnest_operator: an array of STRUCTs
-- unnests to a column per field, named unqualified; an outer column stays the outer table's
CREATE TABLE shop.orders (order_id INT64, fx_rate FLOAT64, lines ARRAY<STRUCT<sku STRING, qty INT64, unit_price NUMERIC>>, tags ARRAY<STRING>);
CREATE TABLE mart.order_totals AS
SELECT
  order_id,
  (SELECT SUM(qty * unit_price * fx_rate) FROM UNNEST(lines)) AS total_usd,
  (SELECT COUNT(*) FROM UNNEST(lines) WHERE qty > 1) AS multi_lines,
  (SELECT STRING_AGG(tag) FROM UNNEST(tags) AS tag) AS tag_list
FROM shop.orders;
CREATE TABLE mart.order_lines AS
SELECT * EXCEPT (lines, tags) FROM shop.orders AS o, UNNEST(o.lines) WITH OFFSET AS line_no;
