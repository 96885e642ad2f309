-- dialect: snowflake
CREATE VIEW mart.by_month AS
SELECT * FROM sales.monthly PIVOT (SUM(amount) FOR month IN ('JAN', 'FEB'));
