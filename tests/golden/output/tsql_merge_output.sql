-- dialect: tsql
-- MERGE ... OUTPUT $action, inserted.*, deleted.* INTO (after Microsoft's docs, "MERGE (Transact-SQL)", example D):
-- each clause's rows: an UPDATE's inserted.x is what it assigns x, else x; deleted.x is the target's x;
-- an INSERT has no deleted row and a DELETE no inserted one; $action names the clause, no column.
CREATE TABLE dbo.InventoryChanges (Action NVARCHAR(10), ProductID INT, NewQty INT, OldQty INT);
MERGE Production.ProductInventory AS tgt
USING (SELECT ProductID, SUM(OrderQty) FROM Sales.SalesOrderDetail AS sod GROUP BY ProductID) AS src (ProductID, OrderQty)
ON (tgt.ProductID = src.ProductID)
WHEN MATCHED AND tgt.Quantity - src.OrderQty <= 0 THEN DELETE
WHEN MATCHED THEN UPDATE SET tgt.Quantity = tgt.Quantity - src.OrderQty
WHEN NOT MATCHED THEN INSERT (ProductID, Quantity) VALUES (src.ProductID, src.OrderQty)
OUTPUT $action, Inserted.ProductID, Inserted.Quantity, Deleted.Quantity INTO dbo.InventoryChanges;
