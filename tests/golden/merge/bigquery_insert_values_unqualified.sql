-- dialect: bigquery
-- BigQuery's `INSERT VALUES (a, b)` without a column list, unqualified: the columns are the source row's.
CREATE TABLE dw.customers (customer_id INT64, full_name STRING);
MERGE dw.customers t
USING stage.customers s
ON t.customer_id = s.id
WHEN NOT MATCHED THEN
  INSERT VALUES (id, name);
