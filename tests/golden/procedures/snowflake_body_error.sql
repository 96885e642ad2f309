-- dialect: snowflake
CREATE OR REPLACE PROCEDURE mart.load_three() RETURNS VARCHAR LANGUAGE SQL AS $$
BEGIN
  INSERT INTO mart.a (x) SELECT x FROM raw.a;
  INSERT INTO mart.b (x) SELECT x FROM raw.b WHERE x = = 1;
  INSERT INTO mart.c (x) SELECT x FROM raw.c;
END;
$$;
