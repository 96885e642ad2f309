"""Airflow: sql='file.sql' beside the DAG or on template_searchpath, {% include %}, and a missing file."""

from airflow import DAG
from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator

with DAG(dag_id="files", template_searchpath=["templates"]) as dag:
    beside = SQLExecuteQueryOperator(task_id="beside", sql="sql/load_facts.sql", params={"lookback_days": 3})
    searched = SQLExecuteQueryOperator(task_id="searched", sql="rollup.sql")
    included = SQLExecuteQueryOperator(task_id="included", sql="{% include 'rollup.sql' %}")
    missing = SQLExecuteQueryOperator(task_id="missing", sql="does_not_exist.sql")
