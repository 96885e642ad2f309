-- dialect: snowflake
SELECT o.order_id, f.value:sku::string AS sku FROM app.orders o, LATERAL FLATTEN(input => o.items) f;
