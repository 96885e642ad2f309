-- dialect: postgres
WITH RECURSIVE chain AS (
  SELECT employee_id, manager_id, 1 AS depth FROM hr.employees WHERE manager_id IS NULL
  UNION ALL
  SELECT e.employee_id, e.manager_id, c.depth + 1 FROM hr.employees e JOIN chain c ON e.manager_id = c.employee_id
)
SELECT employee_id, depth FROM chain;
