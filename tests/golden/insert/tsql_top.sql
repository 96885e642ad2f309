-- dialect: tsql
-- INSERT TOP (n) [PERCENT] INTO, UPDATE TOP (n): how many rows, not which columns feed which (Microsoft's docs, "TOP (Transact-SQL)")
INSERT TOP (5) INTO dbo.EmployeeSales (EmployeeID, LastName, YearlySales)
SELECT sp.BusinessEntityID, c.LastName, sp.SalesYTD
FROM Sales.SalesPerson AS sp JOIN Person.Person AS c ON sp.BusinessEntityID = c.BusinessEntityID
WHERE sp.SalesYTD > 250000.00;
UPDATE TOP (10) PERCENT HumanResources.Employee SET VacationHours = VacationHours + s.Bonus
FROM HumanResources.Employee AS e JOIN dbo.Bonuses AS s ON s.EmpID = e.BusinessEntityID;
