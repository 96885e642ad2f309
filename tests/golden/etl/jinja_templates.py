"""Airflow Jinja rendered in the sandbox: a template that errors or tries to escape is one diagnostic."""

from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator

ok = SQLExecuteQueryOperator(
    task_id="ok",
    sql="INSERT INTO mart.x (a) SELECT a FROM {{ params.source_table }} WHERE d = '{{ ds_nodash }}' AND n > {{ var.value.min_n }}",
)
escape = SQLExecuteQueryOperator(task_id="escape", sql="SELECT {{ ''.__class__.__mro__[1].__subclasses__() }} FROM app.orders")
broken = SQLExecuteQueryOperator(task_id="broken", sql="SELECT a FROM t WHERE {% if %}")
raises = SQLExecuteQueryOperator(task_id="raises", sql="SELECT {{ 1 // 0 }} AS a FROM app.orders")
huge = SQLExecuteQueryOperator(task_id="huge", sql="SELECT '{{ 'x' * 100000000 }}' AS a FROM app.orders")
