-- dialect: spark
WITH clicks AS (
    SELECT user_id, page, event_date FROM raw.events WHERE event_type = 'click'
),
daily AS (
    SELECT user_id, event_date, COUNT(page) AS click_count FROM clicks GROUP BY user_id, event_date
)
INSERT OVERWRITE TABLE mart.daily_clicks
SELECT user_id, event_date, click_count FROM daily;

WITH buyers AS (SELECT user_id, amount FROM raw.orders)
INSERT INTO mart.buyers (buyer_id, spend)
SELECT user_id, SUM(amount) FROM buyers GROUP BY user_id;
