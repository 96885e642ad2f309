SELECT order_id FROM app.orders;
SELECT FROM WHERE (;
SELECT order_value FROM app.orders;
