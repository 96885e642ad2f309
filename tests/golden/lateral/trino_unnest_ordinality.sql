-- dialect: trino
CREATE TABLE mart.tagged AS
SELECT o.order_id, t.tag, t.n FROM app.orders o CROSS JOIN UNNEST(o.tags) WITH ORDINALITY AS t(tag, n);
CREATE TABLE mart.pairs AS
SELECT o.order_id, k, v FROM app.orders o CROSS JOIN UNNEST(o.attrs) AS u(k, v);
