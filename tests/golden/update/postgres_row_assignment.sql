-- dialect: postgres
-- Row assignments, from the Postgres UPDATE reference: each listed column takes the value at its
-- position, and a sub-SELECT's outputs pair with the columns in order (its WHERE filters them all).
UPDATE accounts SET (contact_first_name, contact_last_name) =
    (SELECT first_name, last_name FROM salesmen WHERE salesmen.id = accounts.sales_id);

UPDATE summary s SET (sum_x, sum_y, avg_x, avg_y) =
    (SELECT sum(x), sum(y), avg(x), avg(y) FROM data d WHERE d.group_id = s.group_id);

UPDATE weather SET (temp_lo, temp_hi, prcp) = (temp_lo + 1, temp_lo + 15, DEFAULT)
  WHERE city = 'San Francisco';

UPDATE t SET (c) = (SELECT max(z) FROM u WHERE u.k = t.k);

UPDATE t SET (a, b) = ROW(s.x, s.y) FROM s WHERE t.id = s.id;

-- a star's columns are unknown here: said, not guessed
UPDATE t SET (a, b) = (SELECT * FROM u WHERE u.k = t.k);
