-- dialect: hive
-- Hive's multi-insert (Hive LanguageManual DML, "Inserting data into Hive Tables from queries"):
-- `FROM src INSERT ... SELECT ... INSERT ... SELECT ...` reads the source once for every INSERT.
CREATE TABLE page_view (viewtime INT, userid BIGINT, page_url STRING, country STRING);

FROM page_view pv
INSERT OVERWRITE TABLE us_views SELECT pv.viewtime, pv.userid WHERE pv.country = 'US'
INSERT INTO TABLE url_views SELECT pv.page_url, count(*) AS views GROUP BY pv.page_url;

FROM (SELECT userid, page_url FROM page_view WHERE viewtime > 0) recent
INSERT OVERWRITE TABLE recent_users SELECT userid
INSERT OVERWRITE TABLE recent_urls SELECT page_url;
