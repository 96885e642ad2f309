-- dialect: oracle
INSERT INTO mart.reports_to (emp_id, boss_id, depth)
WITH reports (emp_id, boss_id, depth) AS (
  SELECT employee_id, manager_id, 0 FROM hr.employees WHERE manager_id IS NULL
  UNION ALL
  SELECT e.employee_id, r.boss_id, r.depth + 1 FROM hr.employees e, reports r WHERE e.manager_id = r.emp_id
)
SELECT emp_id, boss_id, depth FROM reports;
