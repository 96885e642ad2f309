-- dialect: postgres
-- DEFAULT as an assigned value (Postgres MERGE and UPDATE references) takes the column's default:
-- no column feeds it.
MERGE INTO wines w USING wine_stock_changes s ON s.winename = w.winename
WHEN NOT MATCHED THEN INSERT (winename, stock, note) VALUES (s.winename, s.stock_delta, DEFAULT)
WHEN MATCHED THEN UPDATE SET stock = w.stock + s.stock_delta, note = DEFAULT;

UPDATE films SET kind = DEFAULT, "default" = f2.code FROM films2 f2 WHERE films.id = f2.id;
