-- Loads the last {{ params.lookback_days }} days of order facts.
DELETE FROM reporting.facts WHERE day >= DATE '{{ ds }}' - {{ params.lookback_days }};

{% if params.lookback_days > 1 %}
INSERT INTO reporting.facts (day, order_id, order_value)
SELECT CAST(o.created_at AS DATE), o.order_id, o.order_value
FROM app.orders AS o
WHERE o.created_at >= DATE '{{ ds }}' - {{ params.lookback_days }};
{% endif %}
