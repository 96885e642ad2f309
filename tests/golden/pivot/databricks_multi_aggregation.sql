-- dialect: databricks
-- schema: {"hr.salaries": ["year", "dept", "salary", "bonus"]}
INSERT OVERWRITE TABLE mart.dept_pay
SELECT * FROM hr.salaries
  PIVOT (SUM(salary) AS total, AVG(bonus) AS avg_bonus FOR dept IN ('eng' AS eng, 'ops' AS ops));
