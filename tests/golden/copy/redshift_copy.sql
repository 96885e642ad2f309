-- dialect: redshift
COPY raw.events FROM 's3://bucket/path/' IAM_ROLE 'arn:aws:iam::123456789012:role/loader' FORMAT AS CSV;
INSERT INTO mart.events SELECT id, amount FROM raw.events;
