INSERT INTO reporting.rollup (day, revenue)
SELECT day, SUM(order_value) FROM reporting.facts GROUP BY day
