CREATE VIEW mart.all_payments AS
SELECT payment_id AS id, amount FROM app.card_payments
UNION ALL
SELECT transfer_id, amount_eur * 1.1 FROM app.bank_transfers
UNION ALL
SELECT voucher_id, value FROM app.vouchers;
