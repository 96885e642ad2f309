-- dialect: oracle
-- Materialized view options between the name and AS (Oracle's SQL Language Reference, CREATE MATERIALIZED VIEW):
-- when its rows are computed, not from what.
CREATE TABLE sh.sales (prod_id NUMBER, time_id DATE, amount_sold NUMBER);
CREATE MATERIALIZED VIEW sh.sales_mv
  BUILD IMMEDIATE
  REFRESH FAST ON COMMIT
  ENABLE QUERY REWRITE
  AS SELECT t.calendar_year, s.prod_id, SUM(s.amount_sold) AS sum_sales
     FROM sh.times t, sh.sales s
     WHERE t.time_id = s.time_id
     GROUP BY t.calendar_year, s.prod_id;
CREATE MATERIALIZED VIEW sh.yearly (yr, total)
  REFRESH COMPLETE START WITH SYSDATE NEXT SYSDATE + 1
  AS SELECT calendar_year, SUM(amount_sold) FROM sh.sales s JOIN sh.times t ON t.time_id = s.time_id GROUP BY calendar_year;
