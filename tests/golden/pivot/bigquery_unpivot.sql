-- dialect: bigquery
-- schema: {"sales.produce_wide": ["product", "q1", "q2"]}
CREATE TABLE mart.produce_long AS
SELECT * FROM sales.produce_wide UNPIVOT (sales FOR quarter IN (q1, q2));
