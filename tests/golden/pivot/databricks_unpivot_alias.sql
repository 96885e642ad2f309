-- dialect: databricks
CREATE TABLE mart.long_sales AS
SELECT u.id, u.quarter, u.sales FROM raw.sales AS s UNPIVOT (sales FOR quarter IN (q1, q2)) AS u;
