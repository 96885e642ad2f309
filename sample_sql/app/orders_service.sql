-- Orders service: the production schema of the checkout / order-management service.
--
-- Owned by the Orders Service team. In the warehouse the `app` schema is a change-data-capture
-- replica of the service's Postgres database, refreshed every 15 minutes; analytics never writes
-- here. Every downstream model (staging views, the nightly ETL, the marts, the dashboards and the
-- ML feature tables) ultimately reads these four tables.
--
-- app.orders.order_value is the order total in the order's own currency (see `currency`);
-- the nightly ETL converts it to USD with app.fx_rates.

CREATE TABLE app.customers (
    customer_id  BIGINT       PRIMARY KEY,
    email        VARCHAR(320) NOT NULL,
    country      CHAR(2)      NOT NULL,      -- ISO 3166-1 alpha-2
    signup_date  DATE         NOT NULL,
    segment      VARCHAR(32)                 -- CRM segment set by sales ops: consumer | smb | enterprise
);

CREATE TABLE app.orders (
    order_id     BIGINT        PRIMARY KEY,
    customer_id  BIGINT        NOT NULL REFERENCES app.customers (customer_id),
    order_value  NUMERIC(12,2) NOT NULL,     -- order total, in `currency`
    currency     CHAR(3)       NOT NULL,     -- ISO 4217
    status       VARCHAR(16)   NOT NULL,     -- pending | paid | shipped | delivered | cancelled | test
    created_at   TIMESTAMP     NOT NULL,
    updated_at   TIMESTAMP     NOT NULL
);

CREATE TABLE app.payments (
    payment_id   BIGINT        PRIMARY KEY,
    order_id     BIGINT        NOT NULL REFERENCES app.orders (order_id),
    amount       NUMERIC(12,2) NOT NULL,     -- captured amount, in the order's currency
    method       VARCHAR(16)   NOT NULL,     -- card | paypal | bank_transfer | gift_card
    status       VARCHAR(16)   NOT NULL,     -- authorized | captured | refunded | failed
    paid_at      TIMESTAMP
);

-- Daily reference rates, loaded by the payments provider integration.
CREATE TABLE app.fx_rates (
    currency     CHAR(3)       NOT NULL,
    rate_date    DATE          NOT NULL,
    usd_rate     NUMERIC(18,8) NOT NULL,     -- 1 unit of `currency` in USD
    PRIMARY KEY (currency, rate_date)
);

-- Version 2 of the reference rates (app.fx_rates is deprecated): both directions, so nobody divides.
CREATE TABLE app.fx_rates_v2 (
    currency     CHAR(3)       NOT NULL,
    rate_date    DATE          NOT NULL,
    rate_to_usd  NUMERIC(18,8) NOT NULL,     -- 1 unit of `currency` in USD (app.fx_rates.usd_rate)
    rate_per_usd NUMERIC(18,8) NOT NULL,     -- units of `currency` per 1 USD
    PRIMARY KEY (currency, rate_date)
);
