-- schema: {"app.orders": ["order_id", "customer_id", "order_value"], "app.payments": ["payment_id", "order_id", "amount"]}
SELECT order_id, o.order_value, p.amount
FROM app.orders o
JOIN app.payments p USING (order_id);
