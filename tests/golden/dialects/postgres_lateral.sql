-- dialect: postgres
SELECT c.customer_id, c.region, recent.last_amount
FROM app.customers c
CROSS JOIN LATERAL (
    SELECT o.amount AS last_amount
    FROM app.orders o
    WHERE o.customer_id = c.customer_id
    ORDER BY o.created_at DESC
    LIMIT 1
) AS recent;
