INSERT INTO mart.order_facts (id, value_usd)
SELECT order_id, order_value * 1.0 FROM app.orders;
