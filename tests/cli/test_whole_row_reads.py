"""count(*) and EXISTS read a table as a whole: a table drop reaches what they feed, a column rename does not."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cli.main import app

runner = CliRunner()

SQL = """\
CREATE TABLE app.orders (order_id INT, customer_id INT, status TEXT);
CREATE VIEW mart.customer_orders AS
SELECT customer_id, count(*) AS orders, count(DISTINCT status) AS statuses
FROM app.orders
GROUP BY customer_id;
CREATE VIEW mart.active_customers AS
SELECT c.customer_id FROM app.customers AS c
WHERE EXISTS (SELECT 1 FROM app.orders AS o WHERE o.customer_id = c.customer_id);
"""


def impacted_columns(store: Path, *args: str) -> list[str]:
    result = runner.invoke(app, ["impact", *args, "--format", "json", "--store", str(store)])
    assert result.exit_code == 0, result.output
    return sorted(c["name"] for c in json.loads(result.stdout)["columns"])


def test_a_table_drop_reaches_counts_and_exists_a_column_rename_does_not(tmp_path: Path) -> None:
    (tmp_path / "sql").mkdir()
    (tmp_path / "sql" / "marts.sql").write_text(SQL)
    store = tmp_path / "store"
    scanned = runner.invoke(app, ["scan", str(tmp_path / "sql"), "--store", str(store)])
    assert (scanned.exit_code, scanned.stderr) == (0, "Scanned 1 file, 3 statements; 8 edges written.\n")
    assert impacted_columns(store, "app.orders", "--drop") == [
        "mart.active_customers.customer_id",  # EXISTS decides which customers remain
        "mart.customer_orders.customer_id",
        "mart.customer_orders.orders",
        "mart.customer_orders.statuses",
    ]
    assert impacted_columns(store, "app.orders.status", "--rename", "state") == ["mart.customer_orders.statuses"]
