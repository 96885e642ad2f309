-- dialect: spark
-- schema: {"mart.daily": ["day", "revenue", "orders"]}
CREATE TEMPORARY VIEW order_lines AS
SELECT order_id, order_value + shipping_fee, CAST(order_value AS DECIMAL(12, 2)), concat(status, '!')
FROM app.orders;
SELECT status, max(order_value), count(*), count(DISTINCT customer_id) FROM app.orders GROUP BY status;
INSERT INTO mart.daily SELECT to_date(created_at), sum(order_value), count(1) FROM app.orders GROUP BY 1;
