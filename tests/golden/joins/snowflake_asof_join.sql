-- dialect: snowflake
-- ASOF JOIN (Snowflake docs, "ASOF JOIN"): MATCH_CONDITION picks the latest quote at or before each
-- trade, ON narrows to the same stock; both decide which rows pair, so both are join keys.
CREATE OR REPLACE TABLE analytics.trade_quotes AS
SELECT t.stock_symbol, t.trade_time, t.quantity, q.price AS quoted_price
FROM raw.trades t
ASOF JOIN raw.quotes q
    MATCH_CONDITION (t.trade_time >= q.quote_time)
    ON t.stock_symbol = q.stock_symbol;
