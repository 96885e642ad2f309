-- dialect: oracle
-- https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/ALTER-TABLE.html: add_column_clause ADD (...),
-- modify_col_properties MODIFY (...) and MODIFY c type, drop_column_clause DROP (...) and SET UNUSED
CREATE TABLE hr.employees (employee_id NUMBER(6), first_name VARCHAR2(20), salary NUMBER(8,2), fax VARCHAR2(20), pager VARCHAR2(20), old_grade CHAR(1));
ALTER TABLE hr.employees ADD (email VARCHAR2(100), hired_on DATE);
ALTER TABLE hr.employees MODIFY (first_name VARCHAR2(50) NOT NULL, salary NUMBER(10,2));
ALTER TABLE hr.employees MODIFY employee_id DEFAULT 0;
ALTER TABLE hr.employees DROP (fax, pager);
ALTER TABLE hr.employees SET UNUSED COLUMN old_grade;
ALTER TABLE hr.employees DROP UNUSED COLUMNS;
CREATE VIEW hr.employee_directory AS SELECT * FROM hr.employees;
