-- dialect: postgres
-- CREATE RECURSIVE VIEW, as Postgres's manual defines it: CREATE VIEW v AS WITH RECURSIVE v (cols) AS (query) SELECT cols FROM v.
-- The manual's own example: a VALUES anchor, so n comes from no table.
CREATE RECURSIVE VIEW public.nums_1_100 (n) AS
    VALUES (1)
UNION ALL
    SELECT n+1 FROM nums_1_100 WHERE n < 100;
-- An org chart: the anchor and the recursive step both read hr.employees.
CREATE OR REPLACE RECURSIVE VIEW hr.reports_to (employee_id, manager_id, depth) AS
    SELECT e.employee_id, e.manager_id, 1 FROM hr.employees e WHERE e.manager_id IS NULL
UNION ALL
    SELECT e.employee_id, e.manager_id, r.depth + 1 FROM hr.employees e JOIN reports_to r ON e.manager_id = r.employee_id;
CREATE VIEW hr.deep_reports AS SELECT employee_id FROM hr.reports_to WHERE depth > 3;
