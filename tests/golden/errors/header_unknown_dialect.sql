-- dialect: postgres
-- lineage: dialect=snowflak
select a from app.t;
