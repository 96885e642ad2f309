-- dialect: spark
INSERT INTO lake.t_delta (WITH v AS (SELECT id, name FROM lake.src) SELECT id, upper(name) AS name FROM v);

INSERT OVERWRITE TABLE lake.t_delta (SELECT id, name FROM lake.src_backup);
