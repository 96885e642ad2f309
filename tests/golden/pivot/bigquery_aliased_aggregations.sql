-- dialect: bigquery
-- schema: {"sales.produce": ["product", "sales", "quarter"]}
CREATE TABLE mart.produce_q AS
SELECT * FROM sales.produce
  PIVOT (SUM(sales) AS total_sales, COUNT(*) AS num_records FOR quarter IN ('Q1', 'Q2'));
SELECT product, total_sales_Q1 FROM mart.produce_q;
