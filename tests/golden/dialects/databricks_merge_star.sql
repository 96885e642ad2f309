-- dialect: databricks
MERGE INTO main.silver.customers AS tgt
USING (
    SELECT customer_id, email, updated_at
    FROM main.bronze.customer_events
    QUALIFY ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY updated_at DESC) = 1
) AS src
ON tgt.customer_id = src.customer_id
WHEN MATCHED THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *;
