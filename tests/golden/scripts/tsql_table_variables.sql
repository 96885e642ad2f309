-- dialect: tsql
-- Table variables (T-SQL's DECLARE @name TABLE, after the OUTPUT ... INTO example of Microsoft's docs):
-- each @name is a table of its own with the declared columns, never a NULL value nor a table `name`.
DECLARE @MyTableVar TABLE (EmpID INT NOT NULL, OldVacationHours INT, NewVacationHours INT, ModifiedDate DATETIME);
DECLARE @cutoff DATE = '2024-01-01', @Departments TABLE (DeptID INT, DeptName NVARCHAR(50));
UPDATE TOP (10) HumanResources.Employee
SET VacationHours = VacationHours * 1.25, ModifiedDate = GETDATE()
OUTPUT inserted.BusinessEntityID, deleted.VacationHours, inserted.VacationHours, inserted.ModifiedDate
INTO @MyTableVar;
INSERT INTO @Departments SELECT d.DepartmentID, d.Name FROM HumanResources.Department AS d WHERE d.ModifiedDate > @cutoff;
INSERT INTO dbo.vacation_changes SELECT * FROM @mytablevar;
SELECT dp.DeptName, v.NewVacationHours
INTO dbo.dept_vacations
FROM @MyTableVar AS v JOIN @Departments AS dp ON dp.DeptID = v.EmpID;
