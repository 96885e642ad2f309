-- dialect: snowflake
-- schema: {"sales.monthly": ["empid", "amount", "month"]}
CREATE TABLE mart.dyn AS SELECT * FROM sales.monthly PIVOT (SUM(amount) FOR month IN (ANY ORDER BY month));
