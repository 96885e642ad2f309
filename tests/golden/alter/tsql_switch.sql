-- dialect: tsql
-- https://learn.microsoft.com/en-us/sql/t-sql/statements/alter-table-transact-sql: SWITCH [PARTITION n] TO target [PARTITION m]
-- moves the source's rows into the target (the partition-switching load pattern)
CREATE TABLE dbo.sales_stage (sale_id INT, amount DECIMAL(12,2), sold_on DATE);
CREATE TABLE dbo.sales (sale_id INT, amount DECIMAL(12,2), sold_on DATE);
ALTER TABLE dbo.sales_stage SWITCH TO dbo.sales PARTITION 3;
