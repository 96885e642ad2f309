-- dialect: bigquery
-- schema: {"my-project.sales.orders": ["order_id", "customer_id", "revenue", "cost", "_ingested_at"]}
CREATE OR REPLACE TABLE `my-project.marts.order_margin` AS
SELECT * EXCEPT (_ingested_at, cost),
       SAFE_DIVIDE(Revenue - Cost, Revenue) AS margin_pct
FROM `my-project.sales.orders`
WHERE DATE(_ingested_at) >= DATE_SUB(CURRENT_DATE(), INTERVAL 7 DAY);
