WITH revenue (supplier_no, total_revenue) AS (
  SELECT l_suppkey, SUM(l_extendedprice * (1 - l_discount)) FROM lineitem GROUP BY l_suppkey
)
SELECT c.c_count, r.total_revenue, COUNT(*)
FROM (SELECT c_custkey, COUNT(o_orderkey) FROM customer LEFT JOIN orders ON c_custkey = o_custkey GROUP BY c_custkey) AS c (c_custkey, c_count)
JOIN revenue r ON r.supplier_no = c.c_custkey
GROUP BY c.c_count, r.total_revenue;
