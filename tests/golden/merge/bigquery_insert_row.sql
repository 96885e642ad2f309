-- dialect: bigquery
-- INSERT ROW fills the target's columns in order from the source row's (BigQuery's MERGE reference):
-- here the names differ, so only position maps them.
CREATE TABLE dataset.NewArrivals (product STRING, quantity INT64, warehouse STRING);
CREATE TABLE dataset.Inventory (item STRING, on_hand INT64, location STRING);
MERGE dataset.Inventory T
USING dataset.NewArrivals S
ON T.item = S.product
WHEN MATCHED THEN
  UPDATE SET on_hand = T.on_hand + S.quantity
WHEN NOT MATCHED THEN
  INSERT ROW;
