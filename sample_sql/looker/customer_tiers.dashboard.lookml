- dashboard: customer_tiers
  title: Customers by value tier
  layout: newspaper
  elements:
  - name: customers_by_tier
    title: Customers by value tier
    model: acme
    explore: customer_segments
    type: looker_pie
    fields: [customer_segments.value_tier, customer_segments.customers]
  - name: tenure_spread
    title: Customer tenure
    model: acme
    explore: customer_segments
    type: looker_column
    fields: [customer_segments.tenure_days, customer_segments.customers]
    filters:
      customer_segments.tenure_days: ">0"
