-- dialect: bigquery
CREATE TABLE mart.order_lines AS
SELECT o.order_id, line.sku, pos FROM app.orders AS o CROSS JOIN UNNEST(o.lines) AS line WITH OFFSET AS pos;
CREATE TABLE mart.positions AS
SELECT o.order_id, n FROM app.orders AS o, UNNEST(o.tags) WITH OFFSET AS n;
