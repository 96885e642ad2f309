-- dialect: snowflake
-- schema: {"sales.monthly": ["empid", "amount", "month"]}
CREATE TABLE mart.totals AS
SELECT * FROM sales.monthly PIVOT (SUM(amount) AS total FOR month IN ('JAN' AS jan, 'FEB')) ORDER BY empid;
