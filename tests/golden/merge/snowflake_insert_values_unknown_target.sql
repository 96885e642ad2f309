-- dialect: snowflake
-- The target's columns are unknown: named values map by name, an unnamed one cannot, and both are said.
MERGE INTO analytics.members m
USING raw.signups s
ON m.member_id = s.id
WHEN NOT MATCHED THEN
  INSERT VALUES (s.member_id, s.email, LOWER(s.country));
