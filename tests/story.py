"""What renaming app.orders.order_value must reach in sample_sql/: one truth for every test of the story."""

from __future__ import annotations

STORY_COLUMNS = {
    "staging.stg_orders.order_value",
    "etl.tmp_orders_usd.order_value_usd",
    "intermediate.orders_enriched.order_value_usd",
    "intermediate.customer_orders.lifetime_value_usd",
    "mart.daily_revenue.revenue_usd",
    "mart.daily_revenue.avg_order_value_usd",
    "mart.customer_360.lifetime_value_usd",
    "mart.customer_360.value_tier",
    "mart.customer_360.country_value_share",
    "mart.customer_360.country_value_rank",
    "mart.customer_360.last_order_value_usd",
    "mart.fraud_features.order_value_usd",
    "mart.fraud_features.order_value_zscore",
    # the dbt project (sample_sql/dbt)
    "dbt_staging.stg_orders.order_value",
    "dbt_mart.daily_revenue.gross_order_value",
    "dbt_mart.customer_order_stats.avg_order_value",
    "dbt_mart.customer_order_stats.stddev_order_value",
    "snapshots.orders_snapshot.order_value",
    # the Airflow DAG (sample_sql/airflow) and the Spark job (sample_sql/spark)
    "reporting.order_facts.order_value",
    "reporting.customer_order_value.total_order_value",
    "recent_orders.order_value",
    "ml.order_fraud_scores.order_value",
    "ml.order_fraud_scores.order_value_zscore",
}

# (file, line, distance) of every statement on the path; distance 1 breaks outright
STORY_STATEMENTS = [
    ("sample_sql/airflow/sql/load_order_facts.sql", 7, 1),
    ("sample_sql/dbt/models/staging/stg_orders.sql", 13, 1),
    ("sample_sql/dbt/snapshots/orders_snapshot.sql", 14, 1),
    ("sample_sql/notebooks/large_orders_review.ipynb", 34, 1),
    ("sample_sql/staging/stg_orders.sql", 7, 1),
    ("sample_sql/airflow/nightly_orders_dag.py", 55, 2),
    ("sample_sql/dbt/models/marts/customer_order_stats.sql", 12, 2),
    ("sample_sql/dbt/models/marts/daily_revenue.sql", 12, 2),
    ("sample_sql/etl/nightly_orders.sql", 42, 2),
    ("sample_sql/spark/fraud_scoring_job.py", 25, 2),
    ("sample_sql/dbt/analyses/revenue_board_tiles.sql", 7, 3),
    ("sample_sql/dbt/models/exposures.yml", 35, 3),
    ("sample_sql/etl/nightly_orders.sql", 61, 3),
    ("sample_sql/spark/fraud_scoring_job.py", 32, 3),
    ("sample_sql/dbt/models/exposures.yml", 20, 4),
    ("sample_sql/etl/nightly_orders.sql", 91, 4),
    ("sample_sql/marts/customer_360.sql", 9, 4),
    ("sample_sql/marts/daily_revenue.sql", 8, 4),
    ("sample_sql/ml/fraud_features.sql", 10, 4),
    # the Power BI measure over a native query of the enriched orders
    ("sample_sql/powerbi/Finance.SemanticModel/definition/tables/Order Lines.tmdl", 9, 4),
    ("sample_sql/dashboards/executive_revenue.sql", 7, 5),
    # the Feast repository, the Looker project, the Metabase and Superset exports, the Power BI project and the Tableau workbook
    ("sample_sql/feast/fraud_features.py", 18, 5),
    ("sample_sql/feast/fraud_features.py", 46, 5),
    ("sample_sql/lineage.yml", 74, 5),
    ("sample_sql/looker/revenue_overview.dashboard.lookml", 5, 5),
    ("sample_sql/metabase/collections/vQ3xT8mKp2LwR9sN4bYcA_finance/cards/Hk7dW2pQx9ZtL4mVb8NfE_weekly_revenue.yaml", 1, 5),
    ("sample_sql/powerbi/Finance.Report/definition/pages/revenue_overview/visuals/revenue_card/visual.json", 1, 5),
    ("sample_sql/powerbi/Finance.SemanticModel/definition/tables/Daily Revenue.tmdl", 5, 5),
    ("sample_sql/powerbi/Finance.SemanticModel/definition/tables/Daily Revenue.tmdl", 14, 5),
    ("sample_sql/superset/dashboard_export/charts/Revenue_trend_101.yaml", 1, 5),
    ("sample_sql/tableau/regional_revenue.twb", 37, 5),
    ("sample_sql/tableau/regional_revenue.twb", 74, 5),
    ("sample_sql/feast/customer_features.py", 38, 6),
    ("sample_sql/lineage.yml", 82, 6),
    ("sample_sql/looker/customer_tiers.dashboard.lookml", 5, 6),
    ("sample_sql/superset/dashboard_export/charts/Customers_by_value_tier_103.yaml", 1, 6),
]

# owner -> the impacted assets they own
STORY_OWNERS = {
    "bi-team": [
        "executive_revenue",
        "looker:revenue_overview",
        "looker:revenue_overview/revenue_by_country",
        "revenue_board",
        "superset:Customers by value tier",
        "superset:Revenue and customers",
        "superset:Revenue trend",
        "tableau:regional_revenue/Regional KPIs",
        "tableau:regional_revenue/Revenue by country",
        "tableau:regional_revenue/Revenue per order",
    ],
    # a Metabase collection owns what no consumer_owners rule gives to a team
    "collection:Finance": ["metabase:Finance/Finance weekly", "metabase:Finance/Weekly revenue"],
    "customer-insights": ["looker:customer_tiers", "looker:customer_tiers/customers_by_tier", "mart.customer_360", "notebook:sample_sql/notebooks/large_orders_review.ipynb"],
    "data-platform": ["dbt_staging.stg_orders", "etl.tmp_orders_usd", "intermediate.customer_orders", "intermediate.orders_enriched", "snapshots.orders_snapshot", "staging.stg_orders"],
    "finance": ["finance_month_end"],
    "fraud-ml": ["dbt_mart.customer_order_stats", "feast:checkout_fraud_v2", "feast:order_value_stats", "fraud.order_amount_zscore", "fraud_order_value_model", "mart.fraud_features", "ml.order_fraud_scores"],
    "growth-ml": ["churn.customer_lifetime_value", "feast:customer_value"],
    "revenue-analytics": [
        "dbt_mart.daily_revenue",
        "mart.daily_revenue",
        "powerbi:Finance",
        "powerbi:Finance/Largest Order USD",
        "powerbi:Finance/Revenue USD",
        "powerbi:Finance/Revenue overview/Revenue",
        "powerbi:Finance/Revenue per Order",
    ],
}

# (name, owner, distance) of the dashboards and ML features the rename reaches, as impact lists them
STORY_DASHBOARDS = [
    # the notebook that selects order_value itself: it breaks
    ("notebook:sample_sql/notebooks/large_orders_review.ipynb", "customer-insights", 1),
    ("finance_month_end", "finance", 3),
    ("revenue_board", "bi-team", 3),
    ("powerbi:Finance/Largest Order USD", "revenue-analytics", 4),
    ("executive_revenue", "bi-team", 5),
    # the Looker tiles, Metabase questions, Power BI measures and visuals, Superset charts and Tableau worksheets, and their dashboards
    ("looker:revenue_overview", "bi-team", 5),
    ("looker:revenue_overview/revenue_by_country", "bi-team", 5),
    ("metabase:Finance/Finance weekly", "collection:Finance", 5),
    ("metabase:Finance/Weekly revenue", "collection:Finance", 5),
    ("powerbi:Finance", "revenue-analytics", 5),
    ("powerbi:Finance/Revenue USD", "revenue-analytics", 5),
    ("powerbi:Finance/Revenue overview/Revenue", "revenue-analytics", 5),
    ("powerbi:Finance/Revenue per Order", "revenue-analytics", 5),
    ("superset:Revenue and customers", "bi-team", 5),
    ("superset:Revenue trend", "bi-team", 5),
    ("tableau:regional_revenue/Regional KPIs", "bi-team", 5),
    ("tableau:regional_revenue/Revenue by country", "bi-team", 5),
    ("tableau:regional_revenue/Revenue per order", "bi-team", 5),
    ("looker:customer_tiers", "customer-insights", 6),
    ("looker:customer_tiers/customers_by_tier", "customer-insights", 6),
    ("superset:Customers by value tier", "bi-team", 6),
]
STORY_FEATURES = [
    ("fraud_order_value_model", "fraud-ml", 4),
    ("feast:checkout_fraud_v2", "fraud-ml", 5),
    ("feast:order_value_stats", "fraud-ml", 5),
    ("fraud.order_amount_zscore", "fraud-ml", 5),
    ("churn.customer_lifetime_value", "growth-ml", 6),
    ("feast:customer_value", "growth-ml", 6),
]
