-- dialect: databricks
MERGE INTO main.silver.accounts AS tgt
USING main.bronze.account_updates AS src
    ON tgt.account_id = src.account_id AND tgt.region = src.region
WHEN MATCHED THEN UPDATE SET
    tgt.balance = src.balance,
    tgt.status = coalesce(src.status, tgt.status)
WHEN NOT MATCHED THEN INSERT (account_id, region, balance, status)
    VALUES (src.account_id, src.region, src.balance, 'new');
