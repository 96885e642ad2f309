-- dialect: tsql
WITH stale AS (SELECT OrderId, Status FROM Sales.Orders WHERE UpdatedAt < '2020-01-01')
UPDATE stale SET Status = 'archived';

WITH stale AS (SELECT OrderId, Status FROM Sales.Orders)
INSERT INTO stale (OrderId, Status) SELECT OrderId, 'new' FROM Staging.Orders;
