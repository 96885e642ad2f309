-- dialect: duckdb
CREATE TABLE mart.status_counts AS
SELECT status, count() AS orders, count(*) FILTER (WHERE order_value > 100) AS big_orders
FROM app.orders
GROUP BY ALL;
