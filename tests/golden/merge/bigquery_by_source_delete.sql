-- dialect: bigquery
MERGE dw.stock t
USING stage.stock s
ON t.sku = s.sku
WHEN MATCHED THEN UPDATE SET quantity = t.quantity + s.delta
WHEN NOT MATCHED BY TARGET THEN INSERT (sku, quantity) VALUES (sku, delta)
WHEN NOT MATCHED BY SOURCE THEN DELETE;
