-- dialect: snowflake
-- lineage: dialect=tsql
insert into [dw].[dbo].[Customers] ([Customer Id], [Full Name])
select c.[Id], c.[First] + ' ' + c.[Last]
from [crm].[dbo].[People] as c
where c.[Active] = 1;
