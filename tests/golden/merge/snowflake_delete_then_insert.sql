-- dialect: snowflake
MERGE INTO dw.target t USING stage.src s ON t.k = s.k
WHEN MATCHED AND s.deleted THEN DELETE
WHEN MATCHED THEN UPDATE SET t.v = s.v
WHEN NOT MATCHED AND NOT s.deleted THEN INSERT (k, v) VALUES (s.k, s.v);
