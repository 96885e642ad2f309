-- dialect: postgres
CREATE TABLE mart.order_lines AS
SELECT
  order_id,
  order_value + shipping_fee,
  CASE WHEN status = 'paid' THEN order_value ELSE 0 END,
  CASE WHEN status = 'paid' THEN order_value ELSE shipping_fee END,
  order_value::numeric(12, 2),
  CAST(42 AS INT),
  coalesce(discount, 0),
  upper(status)
FROM app.orders;
CREATE VIEW mart.top_customers AS
SELECT s.customer_id, s.max
FROM (SELECT customer_id, max(order_value) FROM app.orders GROUP BY customer_id) AS s;
SELECT status, max(order_value), count(*), upper(status) || '!'
FROM app.orders
GROUP BY status;
INSERT INTO mart.daily (day, revenue, orders)
SELECT created_at::date, sum(order_value), count(*) FROM app.orders GROUP BY 1;
CREATE TABLE mart.by_status (status TEXT, total NUMERIC, n BIGINT);
INSERT INTO mart.by_status SELECT status, sum(order_value), count(1) FROM app.orders GROUP BY status;
INSERT INTO mart.unknown_target SELECT status, sum(order_value) FROM app.orders GROUP BY status;
