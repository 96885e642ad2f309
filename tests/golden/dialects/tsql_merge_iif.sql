-- dialect: tsql
MERGE INTO dw.DimProduct AS tgt
USING staging.Product AS src
    ON tgt.ProductKey = src.ProductKey
WHEN MATCHED THEN UPDATE SET
    tgt.ListPrice = src.ListPrice,
    tgt.PriceBand = IIF(src.ListPrice >= 100, 'premium', 'standard')
WHEN NOT MATCHED BY TARGET THEN INSERT (ProductKey, ListPrice, PriceBand)
    VALUES (src.ProductKey, src.ListPrice, 'standard');
