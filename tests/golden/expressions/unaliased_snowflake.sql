-- dialect: snowflake
CREATE OR REPLACE VIEW mart.order_lines AS
SELECT
  order_id,
  order_value + shipping_fee,
  IFF(status = 'paid', order_value, 0),
  CASE WHEN status = 'paid' THEN order_value END,
  'fixed'
FROM app.orders;
SELECT status, MAX(order_value), COUNT(*), COUNT(DISTINCT customer_id) FROM app.orders GROUP BY status;
INSERT INTO mart.daily (day, revenue, orders)
SELECT DATE_TRUNC('day', created_at), SUM(order_value), COUNT(*) FROM app.orders GROUP BY 1;
CREATE TABLE mart.by_status AS SELECT status, SUM(order_value) AS total FROM app.orders GROUP BY status;
INSERT INTO mart.by_status SELECT status, SUM(order_value) FROM app.orders GROUP BY status;
