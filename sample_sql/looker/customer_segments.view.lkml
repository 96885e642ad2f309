# Customers by value tier: a derived table over the customer mart.
view: customer_segments {
  derived_table: {
    sql:
      SELECT c.customer_id, c.value_tier, c.tenure_days
      FROM mart.customer_360 AS c ;;
  }

  dimension: customer_id {
    primary_key: yes
    sql: ${TABLE}.customer_id ;;
  }

  dimension: value_tier {
    sql: ${TABLE}.value_tier ;;
  }

  dimension: tenure_days {
    type: number
    sql: ${TABLE}.tenure_days ;;
  }

  measure: customers {
    type: count
  }
}
