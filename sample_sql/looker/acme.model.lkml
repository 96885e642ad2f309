connection: "warehouse"

include: "*.view.lkml"
include: "*.dashboard.lookml"

explore: daily_revenue {
  label: "Revenue"
}

explore: customer_segments {
  label: "Customer segments"
}
