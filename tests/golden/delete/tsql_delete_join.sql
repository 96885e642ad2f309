-- dialect: tsql
-- https://learn.microsoft.com/en-us/sql/t-sql/statements/delete-transact-sql: DELETE alias FROM table AS alias JOIN ...
CREATE TABLE dbo.sales (sale_id INT, store_id INT, sold_on DATE);
CREATE TABLE dbo.stores (store_id INT, closed BIT);
DELETE s FROM dbo.sales AS s INNER JOIN dbo.stores AS st ON st.store_id = s.store_id WHERE st.closed = 1;
