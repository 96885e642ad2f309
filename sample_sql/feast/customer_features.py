"""Customer features for the churn model (Growth ML team), from the customer mart."""

from datetime import timedelta

from feast import FeatureService, FeatureView, Field
from feast.infra.offline_stores.contrib.postgres_offline_store.postgres_source import PostgreSQLSource
from feast.types import Float64, Int64, String

from entities import customer

customer_profile_source = PostgreSQLSource(
    name="customer_profile",
    query="""
        SELECT c.customer_id, c.country, c.tenure_days, c.signup_date AS profile_updated_at
        FROM mart.customer_360 AS c
    """,
    timestamp_field="profile_updated_at",
)

customer_value_source = PostgreSQLSource(
    name="customer_value",
    query="""
        SELECT c.customer_id, c.lifetime_value_usd, c.value_tier, c.last_order_date AS value_updated_at
        FROM mart.customer_360 AS c
    """,
    timestamp_field="value_updated_at",
)

customer_profile = FeatureView(
    name="customer_profile",
    entities=[customer],
    ttl=timedelta(days=30),
    schema=[Field(name="country", dtype=String), Field(name="tenure_days", dtype=Int64)],
    source=customer_profile_source,
    owner="growth-ml@acme.example",
)

customer_value = FeatureView(
    name="customer_value",
    entities=[customer],
    ttl=timedelta(days=30),
    schema=[Field(name="lifetime_value_usd", dtype=Float64), Field(name="value_tier", dtype=String)],
    source=customer_value_source,
    owner="growth-ml@acme.example",
)

churn_model_v1 = FeatureService(name="churn_model_v1", features=[customer_profile], owner="growth-ml@acme.example")
