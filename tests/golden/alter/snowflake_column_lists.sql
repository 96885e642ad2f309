-- dialect: snowflake
-- https://docs.snowflake.com/en/sql-reference/sql/alter-table-column: { ALTER | MODIFY } [ ( ] [ COLUMN ] c1 ..., [ COLUMN ] c2 ... [ ) ]
CREATE TABLE raw.t1 (c1 INT, c2 VARCHAR(10), c3 INT, c4 INT, c5 VARCHAR);
ALTER TABLE raw.t1 ALTER c1 DROP NOT NULL, c5 COMMENT '50 character column', c4 TYPE NUMBER(38,0), COLUMN c2 SET DATA TYPE VARCHAR(50);
ALTER TABLE raw.t1 MODIFY (c3 SET DEFAULT 1, COLUMN c1 SET DATA TYPE NUMBER(38,0));
ALTER TABLE raw.t1 ALTER COLUMN c5 SET MASKING POLICY governance.email_mask;
ALTER TABLE raw.t1 ADD ROW ACCESS POLICY governance.rap ON (c1);
CREATE VIEW mart.t1_v AS SELECT * FROM raw.t1;
