-- dialect: tsql
-- T-SQL's UPDATE may also assign variables (`SET @v = column`): a variable is no column of the
-- target, so only `b` is written.
UPDATE t SET @running = t.amount, b = s.y FROM t JOIN s ON t.id = s.id;
