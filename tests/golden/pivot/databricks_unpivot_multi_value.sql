-- dialect: databricks
CREATE TABLE mart.long_sales AS
SELECT id, half, sales, units FROM raw.sales
  UNPIVOT ((sales, units) FOR half IN ((h1_sales, h1_units) AS h1, (h2_sales, h2_units) AS h2));
