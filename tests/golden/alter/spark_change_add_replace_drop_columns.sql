-- dialect: spark
-- https://spark.apache.org/docs/latest/sql-ref-syntax-ddl-alter-table.html: ADD COLUMNS, DROP COLUMNS, RENAME COLUMN,
-- ALTER/CHANGE COLUMN (Hive's CHANGE [COLUMN] old new type renames), REPLACE COLUMNS (the listed columns are the table's now)
CREATE TABLE sales.orders (order_id BIGINT, order_value DOUBLE, status STRING, legacy_flag STRING, note STRING) USING delta;
ALTER TABLE sales.orders CHANGE COLUMN order_value order_total_usd DOUBLE;
ALTER TABLE sales.orders ADD COLUMNS (currency STRING COMMENT 'ISO 4217', shipped_at TIMESTAMP);
ALTER TABLE sales.orders DROP COLUMNS (legacy_flag, note);
CREATE VIEW sales.orders_v AS SELECT * FROM sales.orders;
CREATE TABLE sales.events (id BIGINT, payload STRING, debug STRING);
ALTER TABLE sales.events REPLACE COLUMNS (id BIGINT, payload STRING, received_at TIMESTAMP);
CREATE VIEW sales.events_v AS SELECT * FROM sales.events;
