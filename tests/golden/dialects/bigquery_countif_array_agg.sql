-- dialect: bigquery
CREATE OR REPLACE TABLE `acme-prod.marts.customer_orders` AS
SELECT o.customer_id,
       DATE_TRUNC(o.order_date, MONTH) AS order_month,
       COUNTIF(o.status = 'returned') AS returns,
       SAFE_DIVIDE(SUM(o.discount), SUM(o.gross)) AS discount_rate,
       ARRAY_AGG(STRUCT(o.order_id AS id, o.gross AS amount)) AS orders
FROM `acme-prod.sales.orders` AS o
GROUP BY 1, 2;
