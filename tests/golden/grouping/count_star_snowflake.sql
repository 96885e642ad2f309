-- dialect: snowflake
CREATE OR REPLACE TABLE mart.daily_orders AS
SELECT DATE_TRUNC('day', created_at) AS day, COUNT(*) AS orders, COUNT(DISTINCT customer_id) AS customers
FROM app.orders
WHERE status <> 'cancelled'
GROUP BY 1
HAVING COUNT(*) >= 10;
SELECT COUNT(*) FROM (SELECT DISTINCT customer_id FROM app.orders) AS c;
