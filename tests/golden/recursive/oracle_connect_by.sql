-- dialect: oracle
-- Oracle's hierarchical queries ("Hierarchical Queries" in the SQL Language Reference): START WITH
-- and CONNECT BY decide the rows, and LEVEL, CONNECT_BY_ISLEAF and ROWNUM are values the engine
-- makes, no column of any table.
CREATE TABLE employees (employee_id NUMBER, manager_id NUMBER, last_name VARCHAR2(25));

CREATE TABLE org_chart AS
SELECT employee_id, last_name, LEVEL AS depth, CONNECT_BY_ISLEAF AS is_leaf,
       SYS_CONNECT_BY_PATH(last_name, '/') AS path
FROM employees
START WITH manager_id IS NULL
CONNECT BY PRIOR employee_id = manager_id;

CREATE TABLE first_ten AS SELECT ROWNUM AS rn, last_name FROM employees WHERE ROWNUM <= 10;
