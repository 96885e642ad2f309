-- dialect: bigquery
CREATE TABLE mart.top_products AS
SELECT category, product, sales FROM shop.product_sales
WHERE sales > 0
QUALIFY RANK() OVER (PARTITION BY category ORDER BY sales DESC) <= 3;
