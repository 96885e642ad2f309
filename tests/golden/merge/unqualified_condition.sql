-- an unqualified column in a WHEN condition names the target's or the source's column, never an assigned one
MERGE INTO mart.acc AS t USING stage.acc AS s ON t.id = s.id
WHEN MATCHED AND balance > 0 THEN UPDATE SET balance = s.balance, tier = s.tier;
MERGE INTO mart.acc AS t USING stage.acc AS s ON t.id = s.id
WHEN MATCHED AND balance < 0 THEN DELETE
WHEN MATCHED THEN UPDATE SET balance = s.balance;
