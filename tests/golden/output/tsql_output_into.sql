-- dialect: tsql
-- T-SQL's OUTPUT clause (SQL Server "OUTPUT Clause" reference): the rows a DELETE, UPDATE or INSERT
-- touches, `deleted.x` as they were and `inserted.x` as they are, written to a table by INTO.
CREATE TABLE dbo.orders (order_id INT, customer_id INT, order_value DECIMAL(10, 2), order_date DATE);
CREATE TABLE dbo.orders_archive (order_id INT, customer_id INT, order_value DECIMAL(10, 2), order_date DATE);

DELETE FROM dbo.orders
OUTPUT deleted.* INTO dbo.orders_archive
WHERE order_date < '2020-01-01';

DELETE o OUTPUT deleted.order_id INTO #closed_orders (order_id)
FROM dbo.orders o JOIN dbo.customers c ON c.id = o.customer_id
WHERE c.closed = 1;

UPDATE p SET p.price = s.new_price
OUTPUT inserted.sku, deleted.price, inserted.price INTO dbo.price_log (sku, old_price, new_price)
FROM dbo.prices p JOIN staging.prices s ON s.sku = p.sku;

INSERT INTO dbo.customers_copy (id, name)
OUTPUT inserted.id, inserted.name INTO dbo.copy_log (id, name)
SELECT id, name FROM dbo.customers WHERE closed = 0;

-- without INTO the rows go to the client: only the UPDATE's own lineage
UPDATE dbo.orders SET order_value = order_value * 2 OUTPUT inserted.order_id WHERE order_id = 1;

-- a MERGE's OUTPUT: its clauses' rows (see tsql_merge_output.sql)
MERGE INTO dbo.orders AS t USING staging.orders AS s ON t.order_id = s.order_id
WHEN MATCHED THEN UPDATE SET t.order_value = s.order_value
OUTPUT $action, inserted.order_id INTO dbo.merge_log (action, order_id);
