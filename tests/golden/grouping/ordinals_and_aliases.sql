SELECT country, DATE_TRUNC('month', created_at) AS month, SUM(order_value) AS revenue
FROM app.orders
GROUP BY 1, 2
HAVING SUM(order_value) > 0
ORDER BY revenue DESC
LIMIT 10;
