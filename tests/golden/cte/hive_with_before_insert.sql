-- dialect: hive
-- schema: {"warehouse.page_views": ["view_id", "url", "country"]}
WITH q1 AS (SELECT view_id, url, country FROM staging.page_views WHERE country = 'NZ')
INSERT OVERWRITE TABLE warehouse.page_views
SELECT * FROM q1;
