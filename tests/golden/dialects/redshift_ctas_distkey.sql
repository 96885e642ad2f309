-- dialect: redshift
CREATE TABLE mart.daily_revenue
DISTKEY (store_id)
SORTKEY (sale_date)
AS
SELECT s.store_id,
       TRUNC(s.sold_at) AS sale_date,
       SUM(NVL(s.net_amount, 0)) AS revenue,
       COUNT(DISTINCT s.customer_id) AS customers
FROM sales.transactions s
WHERE s.sold_at >= DATEADD(day, -90, GETDATE())
GROUP BY 1, 2;
