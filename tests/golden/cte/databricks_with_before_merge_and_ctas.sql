-- dialect: databricks
WITH updates AS (
    SELECT customer_id, email, updated_at FROM bronze.customer_changes WHERE op <> 'delete'
)
MERGE INTO silver.customers AS t
USING updates AS u ON t.customer_id = u.customer_id
WHEN MATCHED THEN UPDATE SET t.email = u.email, t.updated_at = u.updated_at
WHEN NOT MATCHED THEN INSERT (customer_id, email, updated_at) VALUES (u.customer_id, u.email, u.updated_at);

WITH active AS (SELECT customer_id, email FROM silver.customers WHERE email IS NOT NULL)
CREATE TABLE gold.mailing_list AS
SELECT customer_id, LOWER(email) AS email FROM active;
