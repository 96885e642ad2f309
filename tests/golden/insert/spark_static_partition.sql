-- dialect: spark
-- https://spark.apache.org/docs/latest/sql-ref-syntax-dml-insert-table.html: a partition column declared in PARTITIONED BY
-- follows the listed ones; a static PARTITION (c = value) takes its value there, so the query fills the other columns
CREATE TABLE students (name VARCHAR(64), address VARCHAR(64)) USING PARQUET PARTITIONED BY (student_id INT);
CREATE TABLE persons (name STRING, address STRING, ssn INT);
INSERT INTO students PARTITION (student_id = 444444) SELECT name, address FROM persons WHERE name = 'Dora Williams';
CREATE TABLE visits (page STRING, ms BIGINT) PARTITIONED BY (dt STRING, country STRING);
CREATE TABLE raw_visits (url STRING, duration_ms BIGINT, event_date STRING, geo STRING);
INSERT OVERWRITE TABLE visits PARTITION (dt = '2024-01-01', country) SELECT url, duration_ms, geo FROM raw_visits WHERE event_date = '2024-01-01';
CREATE VIEW students_v AS SELECT * FROM students;
