-- Merchandising: product catalogue and stock, for the storefront search index.
--
-- Owned by the Merchandising team. The product tables come from the catalogue service (same CDC
-- replica as app.orders), and the mart shows what can be sold right now. Nothing here reads
-- orders or payments: a change to app.orders must not list this mart as impacted.

CREATE TABLE app.products (
    product_id      BIGINT        PRIMARY KEY,
    sku             VARCHAR(32)   NOT NULL UNIQUE,
    name            VARCHAR(200)  NOT NULL,
    category        VARCHAR(64)   NOT NULL,
    list_price_usd  NUMERIC(10,2) NOT NULL,
    is_active       BOOLEAN       NOT NULL,
    created_at      TIMESTAMP     NOT NULL
);

CREATE TABLE app.inventory_levels (
    product_id      BIGINT        NOT NULL REFERENCES app.products (product_id),
    warehouse_code  VARCHAR(8)    NOT NULL,
    on_hand_qty     INTEGER       NOT NULL,
    reserved_qty    INTEGER       NOT NULL,
    updated_at      TIMESTAMP     NOT NULL,
    PRIMARY KEY (product_id, warehouse_code)
);

CREATE VIEW mart.product_catalog AS
SELECT
    p.product_id,
    p.sku,
    p.name            AS product_name,
    p.category,
    p.list_price_usd,
    COALESCE(SUM(i.on_hand_qty - i.reserved_qty), 0)  AS available_qty,
    CASE
        WHEN COALESCE(SUM(i.on_hand_qty - i.reserved_qty), 0) <= 0 THEN 'out_of_stock'
        WHEN SUM(i.on_hand_qty - i.reserved_qty) < 10 THEN 'low_stock'
        ELSE 'in_stock'
    END               AS stock_status
FROM app.products AS p
LEFT JOIN app.inventory_levels AS i
    ON i.product_id = p.product_id
WHERE p.is_active
GROUP BY p.product_id, p.sku, p.name, p.category, p.list_price_usd;
