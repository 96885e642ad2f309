WITH paid AS (
  SELECT order_id, customer_id, order_value FROM app.orders WHERE status = 'paid'
),
per_customer AS (
  WITH inner_cte AS (SELECT customer_id, order_value FROM paid)
  SELECT customer_id, SUM(order_value) AS total FROM inner_cte GROUP BY customer_id
)
SELECT customer_id, total FROM per_customer;
