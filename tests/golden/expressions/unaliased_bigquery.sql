-- dialect: bigquery
CREATE VIEW mart.order_lines AS
SELECT order_id, order_value + shipping_fee, SAFE_DIVIDE(discount, order_value)
FROM app.orders;
CREATE VIEW mart.order_lines_named (order_id, total, discount_share) AS
SELECT order_id, order_value + shipping_fee, SAFE_DIVIDE(discount, order_value)
FROM app.orders;
SELECT status, COUNT(*), COUNTIF(order_value > 100) FROM app.orders GROUP BY status;
INSERT INTO mart.daily (day, revenue, orders)
SELECT DATE(created_at), SUM(order_value), COUNT(1) FROM app.orders GROUP BY 1;
