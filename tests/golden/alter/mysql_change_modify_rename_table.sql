-- dialect: mysql
-- https://dev.mysql.com/doc/refman/8.0/en/alter-table.html: CHANGE [COLUMN] old new definition, MODIFY [COLUMN] name definition
-- https://dev.mysql.com/doc/refman/8.0/en/rename-table.html: RENAME TABLE a TO b, c TO d
CREATE TABLE drivers (driver_id INT, vehicle_type VARCHAR(20), notes TEXT);
CREATE TABLE cars (car_id INT, plate VARCHAR(10));
ALTER TABLE drivers CHANGE vehicle_type vehicle_class VARCHAR(30);
ALTER TABLE drivers MODIFY COLUMN notes VARCHAR(200) NOT NULL;
RENAME TABLE drivers TO drivers_v2, cars TO cars_v2;
CREATE VIEW driver_cars AS SELECT * FROM drivers_v2 JOIN cars_v2 ON cars_v2.car_id = drivers_v2.driver_id;
