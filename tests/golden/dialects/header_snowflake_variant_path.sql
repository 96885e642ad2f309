-- dialect: bigquery
/* Events land as VARIANT; the path syntax below is Snowflake's. */
-- lineage: dialect=snowflake
create table mart.events as
select e.payload:customer.name::string as customer_name, e.id
from raw.events as e;
