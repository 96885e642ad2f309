-- dialect: snowflake
CREATE OR REPLACE VIEW ANALYTICS.MARTS.ORDER_ITEMS_V AS
SELECT o.ORDER_ID,
       f.value:sku::STRING AS SKU,
       f.value:qty::NUMBER AS QTY
FROM RAW.SHOP.ORDERS o,
     LATERAL FLATTEN(input => o.PAYLOAD:items) f;
