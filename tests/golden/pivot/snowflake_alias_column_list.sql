-- dialect: snowflake
-- Snowflake's PIVOT reference: `AS p (empid_renamed, Q1, ...)` renames every output of the pivot in
-- order, the columns it keeps first. Where the source's columns are unknown the list is read as
-- naming every output; a kept column it renames is some column of the source, said.
CREATE TABLE quarterly_sales (empid INT, amount INT, quarter TEXT);

CREATE VIEW pivoted AS
SELECT * FROM quarterly_sales
  PIVOT(SUM(amount) FOR quarter IN ('2023_Q1', '2023_Q2')) AS p (empid_renamed, q1, q2);

CREATE VIEW picked AS
SELECT p.empid_renamed, p.q2 FROM quarterly_sales
  PIVOT(SUM(amount) FOR quarter IN ('2023_Q1', '2023_Q2')) AS p (empid_renamed, q1, q2);

CREATE VIEW undeclared AS
SELECT emp, q1 FROM other_sales PIVOT(SUM(amount) FOR quarter IN ('2023_Q1', '2023_Q2')) AS p (emp, q1, q2);

CREATE TABLE sales_wide (empid INT, dept TEXT, jan INT, feb INT);
CREATE VIEW unpivoted AS
SELECT * FROM sales_wide UNPIVOT(sales FOR month IN (jan, feb)) AS u (e, d, m, s);
