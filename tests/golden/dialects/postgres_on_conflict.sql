-- dialect: postgres
INSERT INTO analytics.customer_totals (customer_id, total_spent, last_order_at)
SELECT o.customer_id, SUM(o.amount::numeric(12, 2)), MAX(o.created_at)
FROM app.orders o
WHERE o.status <> 'cancelled'
GROUP BY o.customer_id
ON CONFLICT (customer_id) DO UPDATE
SET total_spent = EXCLUDED.total_spent,
    last_order_at = EXCLUDED.last_order_at;
