-- dialect: snowflake
SELECT p.empid, p."'JAN'" AS jan FROM sales.monthly PIVOT (SUM(amount) FOR month IN ('JAN', 'FEB')) AS p;
