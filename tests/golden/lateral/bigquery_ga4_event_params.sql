-- dialect: bigquery
-- https://developers.google.com/analytics/bigquery/basic-queries: GA4's export reads event_params with a correlated
-- UNNEST; the export's DDL is not in the project, so key/value are fields of event_params, not columns of the table
CREATE VIEW analytics.page_views AS
SELECT
  user_pseudo_id,
  (SELECT value.int_value FROM UNNEST(event_params) WHERE key = 'ga_session_id') AS session_id,
  (SELECT ep.value.string_value FROM UNNEST(event_params) AS ep WHERE ep.key = 'page_location') AS page_location
FROM `my-project.analytics_123456.events_*`
WHERE event_name = 'page_view';
