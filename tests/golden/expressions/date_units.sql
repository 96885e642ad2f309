-- https://docs.snowflake.com/en/sql-reference/functions/dateadd, https://learn.microsoft.com/en-us/sql/t-sql/functions/datediff-transact-sql,
-- https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#last_day: the unit is a bare word, which a
-- parser that does not know the function keeps as a column; it reads no column, and a real column named month still does
CREATE TABLE subscriptions (customer_id INT, start_date DATE, end_date DATE, month INT);
CREATE VIEW subscription_months AS
SELECT
  customer_id,
  dateadd(month, 1, start_date) AS next_month,
  datediff(day, start_date, end_date) AS days_active,
  datediff('week', start_date, end_date) AS weeks_active,
  date_part(quarter, start_date) AS start_quarter,
  timestampdiff(second, start_date, end_date) AS seconds_active,
  last_day(end_date, month) AS end_of_month,
  month
FROM subscriptions;
