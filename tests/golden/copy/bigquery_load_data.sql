-- dialect: bigquery
LOAD DATA INTO mart.events FROM FILES (format = 'CSV', uris = ['gs://bucket/path/*.csv']);
