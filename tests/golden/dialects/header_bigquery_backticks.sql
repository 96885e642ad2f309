-- dialect: postgres
-- The scan reads this file as postgres; its header says it is BigQuery, and that wins.
-- lineage: dialect=bigquery
create table `acme-prod.mart.daily` as
select o.order_id, sum(o.amount) as revenue
from `acme-prod.sales.orders` as o
group by o.order_id;
