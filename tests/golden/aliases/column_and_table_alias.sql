-- dialect: postgres
CREATE TABLE mart.customer_totals AS
SELECT c.customer_id AS id, c.email AS contact, o.order_value AS value
FROM app.orders AS o
JOIN app.customers c ON c.customer_id = o.customer_id;
