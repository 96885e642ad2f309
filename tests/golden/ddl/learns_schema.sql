CREATE TABLE app.orders (order_id INT PRIMARY KEY, order_value NUMERIC(12, 2) NOT NULL, status VARCHAR(20));
SELECT * FROM app.orders;
