CREATE TABLE mart.order_facts (id INT, value_usd NUMERIC(12, 2));
INSERT INTO mart.order_facts SELECT order_id, order_value FROM app.orders;
