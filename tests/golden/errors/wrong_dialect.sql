-- dialect: postgres
select o.order_id from `acme-prod.sales.orders` as o;
select [Order Id] from [dbo].[Orders];
select e.payload:customer.name::string as customer_name from raw.events as e;
select from where (;
select a from app.t;
