-- dialect: oracle
CREATE TABLE mart.quarter_sales AS
SELECT product_id, quarter, amount FROM sales.quarterly
  UNPIVOT (amount FOR quarter IN (q1_amount AS 'Q1', q2_amount AS 'Q2'));
