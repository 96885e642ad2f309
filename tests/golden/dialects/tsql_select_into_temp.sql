-- dialect: tsql
SELECT TOP 100 [c].[CustomerID], [c].[Email], ISNULL([o].[Total], 0) AS [Total]
INTO #top_customers
FROM [Sales].[dbo].[Customers] AS [c]
JOIN [Sales].[dbo].[Orders] AS [o] ON [o].[CustomerID] = [c].[CustomerID]
ORDER BY [o].[Total] DESC;
