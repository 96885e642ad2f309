-- dialect: snowflake
-- Querying staged files (Snowflake: "Querying Data in Staged Files"): $1, $2 are the files' fields,
-- which no SQL defines; the table's columns are known, their sources are files, and that is said.
CREATE OR REPLACE TABLE raw.orders_landing AS
SELECT $1 AS order_id, $2 AS order_value, METADATA$FILENAME AS source_file
FROM @landing/orders/ (FILE_FORMAT => 'csv_format');
INSERT INTO raw.orders_landing (order_id, order_value)
SELECT $1:id::INT, $1:value::NUMBER FROM @~/orders.json;
CREATE OR REPLACE TABLE staging.orders AS SELECT order_id, order_value FROM raw.orders_landing;
-- qualified fields of an aliased stage, joined to a table: only the table's columns are sources
CREATE TABLE staging.orders_enriched AS
SELECT s.$1 AS order_id, s.$2:name::STRING AS customer_name, c.segment
FROM @landing/orders/ (FILE_FORMAT => 'csv_format') s JOIN customers c ON c.id = s.$3;
