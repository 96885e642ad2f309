CREATE TABLE app.orders (order_id INT, order_value NUMERIC, legacy_flag BOOLEAN);
ALTER TABLE app.orders RENAME COLUMN order_value TO order_total_usd;
ALTER TABLE app.orders DROP COLUMN legacy_flag;
SELECT * FROM app.orders;
