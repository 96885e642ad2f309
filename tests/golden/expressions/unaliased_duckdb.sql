-- dialect: duckdb
CREATE TABLE mart.order_lines AS
SELECT order_id, order_value + shipping_fee, round(order_value, 2), order_value > 100, CAST(created_at AS DATE)
FROM app.orders;
SELECT status, max(order_value), count(*), count() FROM app.orders GROUP BY ALL;
INSERT INTO mart.order_lines (order_id, "order_value + shipping_fee") SELECT order_id, order_value * 2 FROM app.orders;
