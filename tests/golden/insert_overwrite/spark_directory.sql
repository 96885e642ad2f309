-- dialect: spark
-- INSERT OVERWRITE [LOCAL] DIRECTORY (Spark SQL reference): the rows leave for files, read as a bare SELECT is
INSERT OVERWRITE DIRECTORY '/tmp/destination' STORED AS PARQUET
SELECT o.order_id, o.order_value * 100 AS cents FROM sales.orders o WHERE o.status = 'shipped';
INSERT OVERWRITE LOCAL DIRECTORY '/tmp/local_out' SELECT customer_id FROM sales.customers;
