MERGE INTO mart.accounts AS t
USING (SELECT * FROM raw.account_changes) AS s
ON t.id = s.id
WHEN MATCHED AND s.op = 'D' THEN DELETE
WHEN MATCHED AND s.q > 0 AND EXISTS (SELECT 1 FROM raw.blocked b WHERE b.id = s.id) THEN UPDATE SET
    balance = coalesce(s.balance, t.balance),
    tier = CASE WHEN s.score > 1 THEN s.tier END
WHEN MATCHED AND flagged THEN UPDATE SET balance = s.balance_v2
WHEN NOT MATCHED AND s.region IN (SELECT region FROM ref.open_regions) THEN INSERT (id, balance) VALUES (s.id, s.balance);
