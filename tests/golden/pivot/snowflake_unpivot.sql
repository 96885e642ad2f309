-- dialect: snowflake
CREATE TABLE mart.long AS
SELECT empid, month, sales FROM sales.wide
  UNPIVOT (sales FOR month IN (jan, feb, mar));
