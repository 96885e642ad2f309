-- dialect: postgres
-- https://www.postgresql.org/docs/current/sql-delete.html: which rows remain is decided by the columns the WHERE and
-- USING read (a rename of one breaks the DELETE); DELETE of every row reads no column
CREATE TABLE orders (order_id INT, customer_id INT, status TEXT, created_at DATE);
CREATE TABLE customers (customer_id INT, is_test BOOLEAN);
DELETE FROM orders WHERE status = 'void';
DELETE FROM orders o USING customers c WHERE c.customer_id = o.customer_id AND c.is_test;
DELETE FROM orders WHERE customer_id IN (SELECT customer_id FROM customers WHERE is_test);
DELETE FROM orders;
