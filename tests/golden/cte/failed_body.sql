-- dialect: snowflake
-- a dbt model whose date_spine macro was unknown: the template left NULL where the CTE's query was
WITH days AS (
    NULL
),
facts AS (SELECT order_date, amount FROM analytics.orders)
SELECT days.date_day, SUM(facts.amount) AS revenue
FROM days
LEFT JOIN facts ON facts.order_date = days.date_day
GROUP BY days.date_day;

WITH weekly AS (SELECT week, amount FROM daily),
daily AS (SELECT DATE_TRUNC('week', order_date) AS week, amount FROM analytics.orders)
SELECT week, amount FROM weekly;
