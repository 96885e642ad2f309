-- dialect: clickhouse
-- https://clickhouse.com/docs/sql-reference/statements/alter/update: ALTER TABLE t UPDATE c = e, ... [IN PARTITION p] WHERE filter
CREATE TABLE events (id UInt64, amount Float64, fee Float64, net Float64, status String) ENGINE = MergeTree ORDER BY id;
ALTER TABLE events UPDATE net = amount - fee, status = 'settled' IN PARTITION 202401 WHERE fee > 0;
ALTER TABLE events DELETE WHERE status = 'void';
