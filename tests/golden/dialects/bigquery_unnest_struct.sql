-- dialect: bigquery
CREATE OR REPLACE TABLE `analytics.marts.order_lines` AS
SELECT o.order_id,
       item.sku,
       item.quantity * item.unit_price AS line_total,
       STRUCT(o.customer_id AS id, o.country AS country) AS customer
FROM `analytics.raw.orders` AS o, UNNEST(o.line_items) AS item
WHERE item.quantity > 0;
