-- dialect: tsql
SELECT c.region, COUNT(*) AS customers, COUNT_BIG(o.order_id) AS orders
INTO #region_counts
FROM app.customers AS c
LEFT JOIN app.orders AS o ON o.customer_id = c.customer_id
GROUP BY c.region;
