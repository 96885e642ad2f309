-- dialect: tsql
-- schema: {"dw.factsales": ["salekey", "customerkey", "amount"], "staging.sales": ["saleid", "customerid", "amount", "status"], "dw.dimcustomer": ["customerkey", "lastorderamount", "segment"]}
WITH settled AS (
    SELECT SaleId, CustomerId, Amount FROM staging.Sales WHERE Status = 'settled'
)
INSERT INTO dw.FactSales
SELECT SaleId, CustomerId, Amount FROM settled;

WITH latest AS (
    SELECT CustomerId, MAX(Amount) AS MaxAmount FROM staging.Sales GROUP BY CustomerId
)
UPDATE c
SET c.LastOrderAmount = l.MaxAmount
FROM dw.DimCustomer AS c
JOIN latest AS l ON c.CustomerKey = l.CustomerId;

WITH segments AS (
    SELECT CustomerId, IIF(SUM(Amount) > 1000, 'gold', 'standard') AS Segment
    FROM staging.Sales GROUP BY CustomerId
)
MERGE INTO dw.DimCustomer AS tgt
USING segments AS src ON tgt.CustomerKey = src.CustomerId
WHEN MATCHED THEN UPDATE SET tgt.Segment = src.Segment
WHEN NOT MATCHED BY TARGET THEN INSERT (CustomerKey, Segment) VALUES (src.CustomerId, src.Segment);
