-- dialect: bigquery
SELECT o.order_id, tag FROM app.orders AS o CROSS JOIN UNNEST(o.tags) AS tag;
