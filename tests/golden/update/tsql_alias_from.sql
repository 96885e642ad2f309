-- dialect: tsql
UPDATE o
SET o.ShipCity = c.City, o.ShipCountry = c.Country
FROM Sales.Orders AS o
INNER JOIN Sales.Customers AS c ON o.CustomerID = c.CustomerID
WHERE o.ShippedDate IS NULL;

UPDATE Sales.Orders
SET Freight = s.Rate
FROM Sales.Orders
JOIN Sales.Shippers s ON Sales.Orders.ShipVia = s.ShipperID;

UPDATE v1
SET RecommendName = v2.NickName
FROM Members AS v1
INNER JOIN Members AS v2 ON v1.RecommendId = v2.MemberId;

UPDATE t1
SET t1.Balance = t2.Amount
FROM Accounts t1
JOIN (SELECT AccountId, SUM(Amount) AS Amount FROM Payments GROUP BY AccountId) t2 ON t1.Id = t2.AccountId;
