CREATE TABLE app.customers (customer_id INT, email VARCHAR, country VARCHAR);
CREATE VIEW staging.stg_customers AS SELECT * FROM app.customers;
