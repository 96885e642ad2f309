SELECT
  c.customer_id,
  (SELECT MAX(o.order_value) FROM app.orders o WHERE o.customer_id = c.customer_id) AS biggest_order
FROM app.customers c;
