-- dialect: snowflake
CREATE TABLE mart.quarterly AS
SELECT * FROM (SELECT empid, amount, month FROM sales.monthly) AS m
  PIVOT (SUM(amount) FOR month IN ('JAN', 'FEB')) AS p;
