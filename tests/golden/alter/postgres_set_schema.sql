-- dialect: postgres
-- https://www.postgresql.org/docs/current/sql-altertable.html: SET SCHEMA moves the table into another schema
CREATE TABLE staging.customers (customer_id INT, email TEXT);
ALTER TABLE staging.customers SET SCHEMA core;
CREATE VIEW reporting.customer_emails AS SELECT customer_id, email FROM core.customers;
