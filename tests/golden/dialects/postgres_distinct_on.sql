-- dialect: postgres
CREATE TABLE reporting.latest_order AS
SELECT DISTINCT ON (c.customer_id)
       c.customer_id,
       c.email,
       o.order_id,
       o.created_at::date AS order_date
FROM app.customers c
JOIN app.orders o ON o.customer_id = c.customer_id
ORDER BY c.customer_id, o.created_at DESC;
