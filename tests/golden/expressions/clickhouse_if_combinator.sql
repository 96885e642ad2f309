-- dialect: clickhouse
-- ClickHouse's -If combinator (docs, "Aggregate Function Combinators"): sumIf(x, cond) sums x over the
-- rows cond holds for; argMax(arg, val) is arg on the row of the largest val.
CREATE TABLE reporting.daily_orders ENGINE = MergeTree ORDER BY day AS
SELECT
    toDate(created_at) AS day,
    sumIf(amount, status = 'paid') AS paid_amount,
    countIf(status = 'refunded') AS refunds,
    argMax(status, updated_at) AS latest_status
FROM shop.orders
GROUP BY day;
