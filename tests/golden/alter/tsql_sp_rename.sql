-- dialect: tsql
-- https://learn.microsoft.com/en-us/sql/relational-databases/system-stored-procedures/sp-rename-transact-sql: by position or by name; 'COLUMN' renames table.column, no type renames the object
CREATE TABLE dbo.drivers (driver_id INT, vehicle_type VARCHAR(20), home_city VARCHAR(40));
EXEC sp_rename 'dbo.drivers.vehicle_type', 'vehicle_class', 'COLUMN';
EXEC sp_rename @objname = N'dbo.drivers.home_city', @newname = N'city', @objtype = N'COLUMN';
EXEC sp_rename 'dbo.drivers', 'drivers_v2';
ALTER TABLE dbo.drivers_v2 ADD rating DECIMAL(3,2);
CREATE VIEW dbo.driver_list AS SELECT * FROM dbo.drivers_v2;
