-- dialect: bigquery
-- EXPORT DATA (BigQuery's reference): the rows of its query leave for files
EXPORT DATA OPTIONS(uri='gs://bq_export/people/*.csv', format='CSV', overwrite=true, header=true, field_delimiter=';')
AS SELECT field1, field2 FROM mydataset.table1 WHERE field3 > 10 ORDER BY field1 LIMIT 10;
