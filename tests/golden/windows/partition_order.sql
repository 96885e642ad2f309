SELECT
  customer_id,
  ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY created_at DESC) AS recency_rank,
  SUM(order_value) OVER (PARTITION BY country) AS country_total,
  LAG(order_value) OVER (ORDER BY created_at) AS previous_value
FROM app.orders;
