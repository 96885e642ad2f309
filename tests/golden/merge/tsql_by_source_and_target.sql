-- dialect: tsql
MERGE INTO dw.inventory AS t
USING stage.inventory AS s
ON t.product_id = s.product_id
WHEN MATCHED AND s.qty = 0 THEN DELETE
WHEN MATCHED THEN UPDATE SET t.qty = s.qty, t.updated_at = s.loaded_at
WHEN NOT MATCHED BY TARGET THEN INSERT (product_id, qty, updated_at) VALUES (s.product_id, s.qty, s.loaded_at)
WHEN NOT MATCHED BY SOURCE AND t.qty > 0 THEN UPDATE SET t.qty = 0, t.discontinued = t.qty;
