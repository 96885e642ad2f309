-- dialect: redshift
-- Redshift's ALTER TABLE ... APPEND FROM moves every row of the source into the target, column by
-- column of the same name (Redshift reference, "ALTER TABLE APPEND").
CREATE TABLE staging.sales (sale_id INT, amount DECIMAL(10, 2), sold_at TIMESTAMP);

ALTER TABLE public.sales APPEND FROM staging.sales IGNOREEXTRA;

alter table public.refunds append from staging.refunds;
