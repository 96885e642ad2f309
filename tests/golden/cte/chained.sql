-- schema: {"app.orders": ["order_id", "customer_id", "order_value", "created_at"]}
INSERT INTO mart.weekly (week, revenue)
WITH base AS (SELECT created_at, order_value FROM app.orders),
     weekly AS (SELECT DATE_TRUNC('week', created_at) AS week, order_value FROM base)
SELECT week, SUM(order_value) FROM weekly GROUP BY week;
