-- dialect: redshift
CREATE OR REPLACE PROCEDURE analytics.load_sessions(p_day date)
AS $$
DECLARE
  v_rows integer;
BEGIN
  CREATE TEMP TABLE stage_sessions AS
  SELECT session_id, user_id, started_at FROM events.sessions WHERE started_at::date = p_day;
  INSERT INTO analytics.sessions (session_id, user_id)
  SELECT session_id, user_id FROM stage_sessions;
  SELECT INTO v_rows COUNT(*) FROM stage_sessions;
  RAISE INFO 'loaded % rows', v_rows;
END;
$$ LANGUAGE plpgsql;
