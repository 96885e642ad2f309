MERGE INTO intermediate.customer_orders AS t
USING (SELECT customer_id, SUM(order_value) AS total FROM app.orders GROUP BY customer_id) AS s
ON t.customer_id = s.customer_id
WHEN MATCHED AND s.total > 0 THEN UPDATE SET lifetime_value = s.total
WHEN NOT MATCHED THEN INSERT (customer_id, lifetime_value) VALUES (s.customer_id, s.total);
