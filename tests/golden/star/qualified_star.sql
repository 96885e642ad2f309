-- schema: {"app.orders": ["order_id", "order_value"], "app.customers": ["customer_id", "email"]}
SELECT o.*, c.email FROM app.orders o JOIN app.customers c ON c.customer_id = o.customer_id;
