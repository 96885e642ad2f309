-- Dashboard: Executive revenue (BI team; https://bi.acme.example/d/exec-revenue).
--
-- The weekly revenue tiles the leadership team reviews every Monday: revenue, orders, average
-- order value and week-over-week growth for the last 13 weeks. This is the dashboard that showed
-- a 90% revenue drop the morning after app.orders.order_value was renamed.

SELECT
    CAST(DATE_TRUNC('week', r.order_date) AS DATE)                       AS week_start,
    SUM(r.revenue_usd)                                                   AS revenue_usd,
    SUM(r.order_count)                                                   AS orders,
    ROUND(SUM(r.revenue_usd) / NULLIF(SUM(r.order_count), 0), 2)         AS avg_order_value_usd,
    ROUND(100.0 * (SUM(r.revenue_usd) / NULLIF(LAG(SUM(r.revenue_usd)) OVER (ORDER BY CAST(DATE_TRUNC('week', r.order_date) AS DATE)), 0) - 1), 1)
                                                                         AS revenue_wow_pct,
    COUNT(DISTINCT r.country)                                            AS active_countries
FROM mart.daily_revenue AS r
WHERE r.order_date >= CURRENT_DATE - INTERVAL '13 weeks'
GROUP BY 1
ORDER BY 1;
