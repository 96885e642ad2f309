-- dialect: tsql
WITH chain (id, parent_id, lvl) AS (
  SELECT id, parent_id, 0 FROM hr.org WHERE parent_id IS NULL
  UNION ALL
  SELECT o.id, o.parent_id, c.lvl + 1 FROM hr.org AS o JOIN chain AS c ON o.parent_id = c.id
)
INSERT INTO mart.org_levels (id, lvl) SELECT id, lvl FROM chain;
