INSERT INTO mart.order_facts SELECT order_id, order_value FROM app.orders;
