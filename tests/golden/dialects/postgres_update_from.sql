-- dialect: postgres
UPDATE billing.invoices AS i
SET amount_due = p.list_price::numeric * i.quantity,
    currency = COALESCE(p.currency, 'USD')
FROM catalog.prices AS p
WHERE p.sku = i.sku
  AND i.status = 'open';
