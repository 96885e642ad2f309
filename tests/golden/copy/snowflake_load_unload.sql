-- dialect: snowflake
CREATE TABLE raw.events (id NUMBER, amount NUMBER);
COPY INTO raw.events FROM @my_stage/path/ FILE_FORMAT = (TYPE = CSV);
COPY INTO @my_stage/out/ FROM (SELECT id, amount * 100 AS cents FROM mart.daily WHERE amount > 0);
