-- dialect: databricks
MERGE INTO dw.customers AS t
USING stage.customers AS s
ON t.id = s.id
WHEN MATCHED THEN UPDATE SET t.email = s.email
WHEN NOT MATCHED THEN INSERT (id, email) VALUES (s.id, s.email)
WHEN NOT MATCHED BY SOURCE AND t.active THEN UPDATE SET t.active = false, t.closed_reason = t.status;
