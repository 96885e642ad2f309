"""Order-level fraud features, served to the checkout fraud model (Fraud ML team)."""

from datetime import timedelta

from feast import FeatureService, FeatureView, Field
from feast.infra.offline_stores.contrib.postgres_offline_store.postgres_source import PostgreSQLSource
from feast.types import Float64, Int64

from entities import customer, order

fraud_features_source = PostgreSQLSource(
    name="fraud_features",
    table="mart.fraud_features",
    timestamp_field="order_created_at",
    field_mapping={"order_value_usd": "order_amount_usd"},
)

order_value_stats = FeatureView(
    name="order_value_stats",
    description="How unusual the order's value is for the customer",
    entities=[order],
    ttl=timedelta(days=2),
    schema=[
        Field(name="order_amount_usd", dtype=Float64),
        Field(name="order_value_zscore", dtype=Float64),
    ],
    source=fraud_features_source,
    owner="fraud-ml@acme.example",
    tags={"model": "checkout_fraud", "tier": "online"},
)

payment_mix = FeatureView(
    name="payment_mix",
    description="The customer's payment method mix and history",
    entities=[order],
    ttl=timedelta(days=2),
    schema=[
        Field(name="card_share", dtype=Float64),
        Field(name="customer_order_count", dtype=Int64),
    ],
    source=fraud_features_source,
    owner="fraud-ml@acme.example",
    tags={"model": "checkout_fraud"},
)

checkout_fraud_v2 = FeatureService(
    name="checkout_fraud_v2",
    features=[order_value_stats[["order_value_zscore"]], payment_mix],
    owner="fraud-ml@acme.example",
)
