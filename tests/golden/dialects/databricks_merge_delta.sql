-- dialect: databricks
MERGE INTO main.silver.customers AS tgt
USING main.bronze.customer_changes AS src
    ON tgt.customer_id = src.customer_id
WHEN MATCHED AND src.op = 'DELETE' THEN DELETE
WHEN MATCHED THEN UPDATE SET tgt.email = src.email, tgt.tier = upper(src.tier)
WHEN NOT MATCHED THEN INSERT (customer_id, email, tier) VALUES (src.customer_id, src.email, upper(src.tier));
