-- dialect: duckdb
CREATE OR REPLACE TABLE mart.latest_cart AS
SELECT user_id,
       len(item_ids) AS item_count,
       list_transform(prices, p -> p * 1.2) AS gross_prices,
       list_filter(item_ids, i -> i > 0) AS valid_items
FROM carts
QUALIFY row_number() OVER (PARTITION BY user_id ORDER BY updated_at DESC) = 1;
