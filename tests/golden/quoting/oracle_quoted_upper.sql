-- dialect: oracle
-- Oracle folds unquoted names to upper case, so "HR"."EMPLOYEES" is hr.employees (Oracle's SQL Language Reference,
-- "Database Object Names and Qualifiers"); SQL Developer exports quote every name. A quoted name that is not all
-- upper case ("MixedCase") is another name. Words between CREATE and VIEW (FORCE EDITIONABLE) change no column.
CREATE OR REPLACE FORCE EDITIONABLE VIEW "HR"."EMP_DETAILS_VIEW" ("EMPLOYEE_ID", "JOB_ID", "Nick") AS
  SELECT e.employee_id, e."JOB_ID", e."Nick" FROM "HR"."EMPLOYEES" e;
CREATE OR REPLACE NOFORCE NONEDITIONABLE VIEW hr.job_counts AS
  SELECT job_id, COUNT(*) AS n FROM hr.emp_details_view GROUP BY job_id;
