-- dialect: tsql
IF OBJECT_ID('tempdb..#recent') IS NOT NULL DROP TABLE #recent
GO
SELECT customer_id, order_value INTO #recent FROM sales.orders WHERE order_date >= '2024-01-01'
GO
BEGIN TRANSACTION
DECLARE @top_value DECIMAL(18, 2)
SELECT @top_value = MAX(order_value) FROM #recent
INSERT INTO mart.customer_value (customer_id, total_value, share_of_top)
SELECT customer_id, SUM(order_value), SUM(order_value) / @top_value FROM #recent GROUP BY customer_id
COMMIT
GO
WHILE (SELECT COUNT(*) FROM mart.queue) > 0
BEGIN
    INSERT INTO mart.processed (item_id) SELECT TOP 100 item_id FROM mart.queue
    DELETE TOP (100) FROM mart.queue
END
EXEC ('INSERT INTO mart.audit (customer_id) SELECT customer_id FROM sales.customers')
EXEC sp_executesql @statement
GO
