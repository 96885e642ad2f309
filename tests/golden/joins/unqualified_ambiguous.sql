SELECT order_value, email FROM app.orders o JOIN app.customers c ON o.customer_id = c.customer_id;
