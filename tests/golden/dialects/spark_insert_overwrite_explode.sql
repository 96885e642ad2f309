-- dialect: spark
-- schema: {"warehouse.page_tags": ["page_id", "tag", "dt"]}
INSERT OVERWRITE TABLE warehouse.page_tags PARTITION (dt)
SELECT p.page_id,
       tag,
       p.dt
FROM raw.pages p
LATERAL VIEW EXPLODE(p.tags) t AS tag
WHERE p.dt >= '2024-01-01';
