# Revenue by day and country, straight over the company revenue mart.
view: daily_revenue {
  sql_table_name: mart.daily_revenue ;;

  dimension_group: order {
    type: time
    timeframes: [date, week, month]
    sql: ${TABLE}.order_date ;;
  }

  dimension: country {
    type: string
    sql: ${TABLE}.country ;;
  }

  dimension: revenue_usd {
    hidden: yes
    type: number
    sql: ${TABLE}.revenue_usd ;;
  }

  measure: total_revenue {
    type: sum
    value_format_name: usd
    sql: ${revenue_usd} ;;
  }

  measure: orders {
    type: sum
    sql: ${TABLE}.order_count ;;
  }
}
