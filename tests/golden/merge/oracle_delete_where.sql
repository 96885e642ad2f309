-- dialect: oracle
-- Oracle's MERGE update clause with DELETE WHERE (the bonuses example of Oracle's SQL Language Reference):
-- the rows the update touched and that satisfy the condition are deleted, so S.salary filters the target's rows.
MERGE INTO bonuses D
   USING (SELECT employee_id, salary, department_id FROM hr.employees
   WHERE department_id = 80) S
   ON (D.employee_id = S.employee_id)
   WHEN MATCHED THEN UPDATE SET D.bonus = D.bonus + S.salary*.01
     DELETE WHERE (S.salary > 8000)
   WHEN NOT MATCHED THEN INSERT (D.employee_id, D.bonus)
     VALUES (S.employee_id, S.salary*.01)
     WHERE (S.salary <= 8000);
-- DELETE WHERE as the last clause, its condition a CASE (whose WHEN is no clause of the MERGE)
MERGE INTO mart.accounts t USING stage.accounts s ON (t.id = s.id)
WHEN MATCHED THEN UPDATE SET t.balance = s.balance
  DELETE WHERE CASE WHEN s.status = 'closed' THEN 1 ELSE 0 END = 1;
