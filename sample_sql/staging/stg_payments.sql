-- Staging: payment attempts that actually moved money.
--
-- Owned by the Data Platform team. Keeps captured and refunded payments (failed and merely
-- authorised attempts never reach finance) and gives the columns warehouse-wide names.

CREATE VIEW staging.stg_payments AS
SELECT
    p.payment_id,
    p.order_id,
    p.amount,
    LOWER(p.method)  AS payment_method,
    p.status         AS payment_status,
    p.paid_at
FROM app.payments AS p
WHERE p.status IN ('captured', 'refunded');
