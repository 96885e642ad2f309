-- dialect: bigquery
CREATE OR REPLACE TABLE mart.user_events AS
SELECT user_id, COUNT(*) AS events, COUNTIF(event_name = 'purchase') AS purchases
FROM raw.events
GROUP BY user_id;
SELECT COUNT(*) AS total_events FROM raw.events, UNNEST(items) AS item;
