-- dialect: trino
-- max_by(x, y) / min_by(x, y) (Trino docs, "Aggregate functions"): the value of x on the row with the
-- largest / smallest y, so y chooses the row, as a sort key does; count_if(c) counts rows, its columns
-- decide which, as count(*) FILTER (WHERE c) and COUNT(CASE WHEN c THEN 1 END) do.
CREATE TABLE hive.mart.customer_status AS
SELECT
    o.customer_id,
    max_by(o.status, o.updated_at) AS last_status,
    min_by(o.channel, o.created_at) AS first_channel,
    count_if(o.amount > 0) AS paid_orders,
    count(*) FILTER (WHERE o.amount > 0) AS paid_orders_filter,
    count(CASE WHEN o.amount > 0 THEN 1 END) AS paid_orders_case
FROM hive.sales.orders AS o
GROUP BY o.customer_id;
