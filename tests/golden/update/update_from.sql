-- dialect: postgres
UPDATE mart.customers AS m
SET lifetime_value = s.total, updated_at = NOW()
FROM intermediate.customer_orders AS s
WHERE m.customer_id = s.customer_id AND s.total IS NOT NULL;
