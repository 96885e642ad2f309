"""The keys features are looked up by."""

from feast import Entity
from feast.value_type import ValueType

order = Entity(name="order", join_keys=["order_id"], value_type=ValueType.INT64, description="A checkout order")
customer = Entity(name="customer", join_keys=["customer_id"], value_type=ValueType.INT64, description="A customer account")
