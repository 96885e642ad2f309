-- dialect: postgres
-- A VALUES row may hold scalar subqueries (Postgres INSERT reference: `VALUES ((SELECT ...), ...)`):
-- each feeds the column at its position; rows of constants feed nothing.
CREATE TABLE audit_counts (taken_at timestamp, orders int, max_value numeric);

INSERT INTO audit_counts VALUES (now(), 0, 0);

INSERT INTO audit_counts (orders, max_value, taken_at)
VALUES ((SELECT count(*) FROM orders WHERE status = 'open'), (SELECT max(order_value) FROM orders), now()),
       (0, (SELECT max(amount) FROM refunds), now());

INSERT INTO audit_counts VALUES (now(), (SELECT count(*) FROM customers), 0);
