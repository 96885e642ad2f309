-- dialect: snowflake
-- schema: {"raw.orders": ["order_id", "customer_id", "amount", "ordered_at"]}
CREATE TABLE mart.latest_orders AS
SELECT order_id, customer_id, amount,
       ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY ordered_at DESC) AS rn
FROM raw.orders
QUALIFY rn = 1;
