-- dialect: databricks
-- Spark SQL reference: `INSERT INTO t TABLE s` inserts every row of s; `CACHE [LAZY] TABLE c AS
-- SELECT ...` makes c a temporary view over the query.
CREATE TABLE staged (id INT, amount DECIMAL(10, 2));
CREATE TABLE landed (id INT, amount DECIMAL(10, 2));

INSERT INTO landed TABLE staged;

CACHE TABLE big_orders AS SELECT id, amount FROM landed WHERE amount > 100;

CACHE LAZY TABLE lazy_ids AS SELECT id FROM big_orders;

INSERT OVERWRITE report SELECT id, amount * 2 AS doubled FROM big_orders;
