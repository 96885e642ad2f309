-- dialect: bigquery
-- Neither table's columns are declared: INSERT ROW is mapped by name, and the output says so.
MERGE dataset.Inventory T
USING dataset.NewArrivals S
ON T.product = S.product
WHEN NOT MATCHED THEN
  INSERT ROW;
