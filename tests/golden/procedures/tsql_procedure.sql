-- dialect: tsql
CREATE PROCEDURE dbo.load_daily_sales @run_date DATE
AS
BEGIN
    INSERT INTO dbo.stage_sales (order_id, amount)
    SELECT order_id, amount FROM dbo.orders WHERE order_date = @run_date;
    SET NOCOUNT ON;
    DECLARE @latest DATE = (SELECT MAX(order_date) FROM dbo.orders);
    IF EXISTS (SELECT 1 FROM dbo.stage_sales)
    BEGIN
        INSERT INTO dbo.daily_totals (sales_date, total)
        SELECT @latest, SUM(amount) FROM dbo.stage_sales
    END
    ELSE
        INSERT INTO dbo.load_gaps (gap_date) SELECT @run_date
    SELECT COUNT(*) AS loaded FROM dbo.stage_sales;
    RETURN 0
END
GO
