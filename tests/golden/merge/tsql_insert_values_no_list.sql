-- dialect: tsql
-- `INSERT VALUES (...)` without a column list fills the target's columns in order.
CREATE TABLE Production.ProductInventory (ProductID INT, LocationID INT, Quantity INT);
MERGE Production.ProductInventory AS tgt
USING Staging.InventoryCounts AS src
ON tgt.ProductID = src.ProductID AND tgt.LocationID = src.LocationID
WHEN MATCHED THEN
  UPDATE SET tgt.Quantity = src.CountedQty
WHEN NOT MATCHED BY TARGET THEN
  INSERT VALUES (src.ProductID, src.LocationID, src.CountedQty);
