-- dialect: hive
INSERT OVERWRITE TABLE mart.page_ads
SELECT pageid, adid FROM raw.page_views LATERAL VIEW explode(adid_list) adTable AS adid;
