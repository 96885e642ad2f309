-- dialect: tsql
-- INSERT ... EXECUTE (SQL Server docs, "INSERT (Transact-SQL)", "Insert data from a stored procedure"):
-- the rows come from the procedure's result set. The target is written; its values' sources are not
-- known from here, and each statement says so. The statements after them are still read.
INSERT INTO dbo.employee_sales (data_source, sales_order_id, last_name, sales_dollars)
EXECUTE dbo.usp_get_employee_sales;

INSERT dbo.employee_sales
EXEC ('SELECT ''EXEC STRING'', sp.BusinessEntityID, c.LastName, sp.SalesYTD FROM Sales.SalesPerson AS sp');

INSERT INTO reporting.sales_summary (last_name, total)
SELECT es.last_name, SUM(es.sales_dollars)
FROM dbo.employee_sales AS es
GROUP BY es.last_name;
