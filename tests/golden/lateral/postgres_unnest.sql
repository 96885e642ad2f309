-- dialect: postgres
SELECT o.order_id, item.sku FROM app.orders o CROSS JOIN LATERAL UNNEST(o.skus) AS item(sku);
