- dashboard: revenue_overview
  title: Revenue overview
  layout: newspaper
  elements:
  - name: revenue_by_country
    title: Revenue by country
    model: acme
    explore: daily_revenue
    type: looker_bar
    fields: [daily_revenue.country, daily_revenue.total_revenue]
    sorts: [daily_revenue.total_revenue desc]
  - name: orders_per_day
    title: Orders per day
    model: acme
    explore: daily_revenue
    type: looker_line
    fields: [daily_revenue.order_date, daily_revenue.orders]
    sorts: [daily_revenue.order_date]
