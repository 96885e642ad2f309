-- dialect: redshift
-- Redshift's UNLOAD ('query') TO 's3://...' (its quoted query, quotes doubled inside): rows leaving for files,
-- read as a bare SELECT is, as COPY ... TO and BigQuery's EXPORT DATA are
UNLOAD ('SELECT venueid, venuename FROM venue WHERE venuestate = ''NV''')
TO 's3://amzn-s3-demo-bucket/unload/venue_'
IAM_ROLE 'arn:aws:iam::0123456789012:role/MyRedshiftRole';
UNLOAD ('SELECT * FROM venue WHERE (') TO 's3://amzn-s3-demo-bucket/unload/broken_';
