-- dialect: spark
WITH base AS (SELECT account_id, balance FROM bank.accounts WHERE closed = false)
CREATE TABLE bank.open_balances AS
SELECT account_id, balance FROM base;

WITH base AS (SELECT account_id, balance FROM bank.accounts)
CREATE VIEW bank.big_accounts AS
SELECT account_id FROM base WHERE balance > 10000;
