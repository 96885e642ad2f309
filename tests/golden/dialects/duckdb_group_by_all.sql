-- dialect: duckdb
CREATE OR REPLACE TABLE mart.region_sales AS
SELECT region,
       date_trunc('month', sold_at) AS sale_month,
       sum(amount) AS revenue,
       list(DISTINCT product_id) AS products
FROM sales
GROUP BY ALL;
