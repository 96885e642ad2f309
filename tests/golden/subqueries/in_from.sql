SELECT t.customer_id, t.total
FROM (SELECT customer_id, SUM(order_value) AS total FROM app.orders GROUP BY customer_id) AS t
WHERE t.total > 100;
