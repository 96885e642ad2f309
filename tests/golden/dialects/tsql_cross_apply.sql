-- dialect: tsql
CREATE VIEW [rpt].[LatestOrder] AS
SELECT c.CustomerID, lo.OrderDate, lo.Amount
FROM dbo.Customers AS c
CROSS APPLY (
    SELECT TOP 1 o.OrderDate, o.Amount
    FROM dbo.Orders AS o
    WHERE o.CustomerID = c.CustomerID
    ORDER BY o.OrderDate DESC
) AS lo;
