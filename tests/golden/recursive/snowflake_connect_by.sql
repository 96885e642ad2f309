-- dialect: snowflake
-- Snowflake's CONNECT BY (Snowflake reference, "CONNECT BY"), with its LEVEL pseudo-column.
CREATE TABLE employees (employee_id INT, manager_id INT, title VARCHAR);

CREATE VIEW hierarchy AS
SELECT employee_id, manager_id, title, LEVEL AS depth
FROM employees
START WITH title = 'President'
CONNECT BY manager_id = PRIOR employee_id;
