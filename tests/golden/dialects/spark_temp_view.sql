-- dialect: spark
CREATE OR REPLACE TEMP VIEW recent_clicks AS
SELECT `user_id`, `url` AS landing_url, to_date(`event_ts`) AS event_date
FROM `raw`.`clicks`
WHERE event_ts > date_sub(current_date(), 7);

INSERT INTO TABLE mart.daily_landing
SELECT event_date, landing_url, COUNT(DISTINCT user_id) AS users
FROM recent_clicks
GROUP BY event_date, landing_url;
