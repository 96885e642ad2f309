CREATE TABLE mart.big_orders AS SELECT order_id, order_value FROM app.orders WHERE order_value > 1000 ORDER BY order_value DESC;
