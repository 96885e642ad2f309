"""ETL code (Python, Airflow DAGs) with SQL embedded in calls and operators.

Finds the SQL by reading Python source (`pysource`), never by running it, and hands it to `parsers/sql/`; may import
`lineage/`, `parsers/sources/` and `parsers/templating/`, never `graphs/` or `cli/`."""
