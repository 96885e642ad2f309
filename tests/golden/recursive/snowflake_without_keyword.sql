-- dialect: snowflake
CREATE VIEW mart.bom AS
WITH parts AS (
  SELECT component_id, parent_id, quantity FROM inv.components WHERE parent_id IS NULL
  UNION ALL
  SELECT c.component_id, c.parent_id, c.quantity * p.quantity FROM inv.components c JOIN parts p ON c.parent_id = p.component_id
)
SELECT component_id, quantity FROM parts;
