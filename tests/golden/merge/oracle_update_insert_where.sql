-- dialect: oracle
-- Oracle's merge_update_clause and merge_insert_clause take their own WHERE (Oracle Database SQL
-- Language Reference, MERGE): a row is updated or inserted only where it holds, as `WHEN MATCHED AND c`
-- elsewhere. Those columns decide the written values, so they are conditional edges into them.
MERGE INTO dw.bonuses d
USING (SELECT employee_id, salary, department_id FROM hr.employees WHERE department_id = 80) s
ON (d.employee_id = s.employee_id)
WHEN MATCHED THEN
    UPDATE SET d.bonus = d.bonus + s.salary * .01
    WHERE s.salary > 8000
WHEN NOT MATCHED THEN
    INSERT (d.employee_id, d.bonus)
    VALUES (s.employee_id, s.salary * .01)
    WHERE (s.salary <= 8000);
