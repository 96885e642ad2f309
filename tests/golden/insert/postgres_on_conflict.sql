-- dialect: postgres
-- https://www.postgresql.org/docs/current/sql-insert.html#SQL-ON-CONFLICT: DO UPDATE SET reads the proposed row
-- (EXCLUDED) and the existing one; its WHERE decides which existing rows are updated
CREATE TABLE inventory (sku TEXT PRIMARY KEY, on_hand INT, last_delta INT, updated_at TIMESTAMP);
CREATE TABLE stock_moves (sku TEXT, delta INT, moved_at TIMESTAMP, is_void BOOLEAN);
INSERT INTO inventory AS inv (sku, on_hand, last_delta, updated_at)
SELECT sku, SUM(delta), SUM(delta), MAX(moved_at) FROM stock_moves WHERE NOT is_void GROUP BY sku
ON CONFLICT (sku) DO UPDATE
SET on_hand = inv.on_hand + EXCLUDED.on_hand, last_delta = EXCLUDED.last_delta, updated_at = EXCLUDED.updated_at
WHERE inv.updated_at < EXCLUDED.updated_at;
INSERT INTO inventory (sku, on_hand) VALUES ('x-1', 0) ON CONFLICT DO NOTHING;
