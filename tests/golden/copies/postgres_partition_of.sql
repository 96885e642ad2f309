-- dialect: postgres
-- Declarative partitioning (Postgres's manual, 5.12): a partition has its parent's columns
CREATE TABLE measurement (city_id int NOT NULL, logdate date NOT NULL, peaktemp int) PARTITION BY RANGE (logdate);
CREATE TABLE measurement_y2024 PARTITION OF measurement FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE VIEW hot_days AS SELECT city_id, logdate FROM measurement_y2024 WHERE peaktemp > 35;
