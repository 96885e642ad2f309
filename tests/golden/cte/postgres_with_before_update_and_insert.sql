-- dialect: postgres
WITH totals AS (
    SELECT customer_id, SUM(amount) AS total FROM app.payments GROUP BY customer_id
)
UPDATE app.customers AS c
SET lifetime_value = t.total
FROM totals AS t
WHERE c.id = t.customer_id;

WITH recent AS (SELECT id, created_at FROM app.orders WHERE created_at > now() - interval '7 days')
INSERT INTO mart.recent_orders (order_id, created_at)
SELECT id, created_at FROM recent;
