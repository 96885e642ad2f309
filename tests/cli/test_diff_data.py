"""`lineage diff` sees edits that change the data but not the columns read (issue 15): a new formula,
another join kind, another filter value, a longer NOT IN list; each is data-changing with its SQL
before and after, in text, JSON and the PR comment. Formatting, comments, quoting and alias renames
are not changes; a CAST over a column of known type is a retype.

A small ride-hailing warehouse in a real git repository, one commit per edit, through the real CLI.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_diff import Repo, run

RAW = """\
CREATE TABLE raw.trips (
    trip_id     INT,
    rider_id    INT,
    fare_amount NUMERIC(10,2),
    tip_amount  NUMERIC(10,2),
    distance_km NUMERIC(8,3),
    status      VARCHAR
);
CREATE TABLE raw.payments (trip_id INT, amount NUMERIC(10,2), status VARCHAR);
"""
STAGING = """\
-- payments that count
CREATE VIEW staging.stg_payments AS
SELECT trip_id, amount
FROM raw.payments
WHERE status <> 'test';
"""
MARTS = """\
CREATE TABLE mart.trip_fares AS
WITH completed AS (
    SELECT * FROM raw.trips WHERE status = 'completed'
)
SELECT
    t.trip_id,
    t.rider_id,
    t.fare_amount + COALESCE(t.tip_amount, 0) AS gross_fare,
    t.distance_km,
    p.amount AS paid_amount
FROM completed AS t
LEFT JOIN staging.stg_payments AS p ON p.trip_id = t.trip_id
WHERE t.status = 'completed';
"""
REPORTS = """\
CREATE VIEW report.rider_totals AS
SELECT rider_id, SUM(gross_fare) AS gross, SUM(paid_amount) AS paid, SUM(distance_km) AS km, COUNT(*) AS trips
FROM mart.trip_fares
GROUP BY rider_id;
"""
GROSS = "(raw.trips.fare_amount + COALESCE(raw.trips.tip_amount, 0))"  # written out of the CTE: its expression
JOIN_ON = "staging.stg_payments ON staging.stg_payments.trip_id = raw.trips.trip_id"


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    repo = Repo(tmp_path / "rides")
    for name, text in (("raw.sql", RAW), ("staging.sql", STAGING), ("marts.sql", MARTS), ("reports.sql", REPORTS)):
        repo.write(f"sql/{name}", text)
    repo.git("init", "-q", "-b", "main")
    repo.git("config", "user.name", "Lineage Tests")
    repo.git("config", "user.email", "tests@lineage.example")
    repo.commit("the warehouse")
    monkeypatch.chdir(repo.root)
    return repo


def changes(*args: str) -> list[tuple[object, ...]]:
    code, out, err = run("diff", "--base", "HEAD~1", "sql", "--format", "json", *args)
    assert code == 0, err


    return [(c["kind"], c["table"], c["column"], c["clause"], c["before"], c["after"], c["severity"]) for c in json.loads(out)["changes"]]


@pytest.mark.parametrize(
    ("path", "old", "new", "expected"),
    [
        (
            "sql/marts.sql",
            "t.fare_amount + COALESCE",
            "t.fare_amount * 1.2 + COALESCE",
            ("expression_changed", "mart.trip_fares", "gross_fare", None, GROSS[1:-1], "raw.trips.fare_amount * 1.2 + COALESCE(raw.trips.tip_amount, 0)", "data-changing"),
        ),
        (
            "sql/marts.sql",
            "LEFT JOIN staging",
            "JOIN staging",
            ("rows_changed", "mart.trip_fares", None, "join", f"LEFT JOIN {JOIN_ON}", f"JOIN {JOIN_ON}", "data-changing"),
        ),
        (
            "sql/marts.sql",
            "WHERE t.status = 'completed'",
            "WHERE t.status = 'cancelled'",
            ("rows_changed", "mart.trip_fares", None, "where", "WHERE raw.trips.status = 'completed'", "WHERE raw.trips.status = 'cancelled'", "data-changing"),
        ),
        (
            "sql/marts.sql",
            "SELECT * FROM raw.trips WHERE status = 'completed'",
            "SELECT * FROM raw.trips WHERE status = 'completed' AND distance_km > 0",
            ("rows_changed", "mart.trip_fares", None, "where in completed", "WHERE raw.trips.status = 'completed'", "WHERE raw.trips.status = 'completed' AND raw.trips.distance_km > 0", "data-changing"),
        ),
        (
            "sql/staging.sql",
            "WHERE status <> 'test'",
            "WHERE status NOT IN ('test','fraud')",
            ("rows_changed", "staging.stg_payments", None, "where", "WHERE raw.payments.status <> 'test'", "WHERE NOT raw.payments.status IN ('test', 'fraud')", "data-changing"),
        ),
    ],
    ids=["formula", "join-kind", "filter-value", "filter-in-a-cte", "not-in"],
)
def test_an_edit_that_changes_the_data_is_data_changing_with_its_sql(warehouse: Repo, path: str, old: str, new: str, expected: tuple[object, ...]) -> None:
    warehouse.edit(path, old, new)
    warehouse.commit("edit")
    assert changes() == [expected]
    assert run("diff", "--base", "HEAD~1", "sql", "--fail-on", "data-changing")[0] == 3
    assert run("diff", "--base", "HEAD~1", "sql", "--fail-on", "breaking")[0] == 0


def test_adding_a_value_to_a_not_in_list_is_data_changing(warehouse: Repo) -> None:
    warehouse.edit("sql/staging.sql", "WHERE status <> 'test'", "WHERE status NOT IN ('test','fraud')")
    warehouse.commit("exclude fraud")
    warehouse.edit("sql/staging.sql", "'fraud')", "'fraud','dup')")
    warehouse.commit("exclude duplicates")
    before, after = "WHERE NOT raw.payments.status IN ('test', 'fraud')", "WHERE NOT raw.payments.status IN ('test', 'fraud', 'dup')"
    assert changes() == [("rows_changed", "staging.stg_payments", None, "where", before, after, "data-changing")]
    code, out, _ = run("diff", "--base", "HEAD~1", "sql", "--fail-on", "data-changing")
    assert code == 3
    assert out.splitlines()[0] == "⚠️ 1 data-changing change"
    assert out.splitlines()[-4:] == [
        "How the data changes (- before, + after):",
        "rows of staging.stg_payments chosen differently (where)",
        f"  - {before}",
        f"  + {after}",
    ]
    _, comment, _ = run("diff", "--base", "HEAD~1", "sql", "--format", "markdown")
    row = f"| 🟠 | rows of `staging.stg_payments` chosen differently (where): `{before}` → `{after}` | data-changing |  | 2 tables, 11 columns |  |"
    assert row in comment.splitlines()


def test_formatting_comments_quoting_and_alias_renames_are_no_change(warehouse: Repo) -> None:
    warehouse.write(
        "sql/marts.sql",
        """\
-- rewritten by a formatter, aliases renamed
create table mart.trip_fares as
with completed as (select * from raw.trips where "status" = 'completed')
select trips.TRIP_ID, trips."rider_id",   /* who rode */
       trips.fare_amount+coalesce(trips.tip_amount,0) as gross_fare,
       trips.distance_km, pay.amount as paid_amount
from completed trips
left outer join staging.stg_payments pay on pay.trip_id = trips.trip_id
where trips.status = 'completed'
""",
    )
    warehouse.commit("reformat")
    code, out, _ = run("diff", "--base", "HEAD~1", "sql", "--fail-on", "data-changing")
    assert (code, out.splitlines()) == (0, ["✅ No changes to the tables and views in the scanned SQL", "Complete."])


def test_a_cast_over_a_column_of_known_type_is_a_retype_not_a_new_formula(warehouse: Repo) -> None:
    warehouse.edit("sql/marts.sql", "    t.distance_km,", "    CAST(t.distance_km AS INTEGER) AS distance_km,")
    warehouse.commit("round distances")
    code, out, _ = run("diff", "--base", "HEAD~1", "sql", "--format", "json", "--fail-on", "breaking")
    assert code == 3


    (change,) = json.loads(out)["changes"]
    # mart.trip_fares.distance_km passes raw.trips.distance_km through: NUMERIC(8,3), from its DDL
    assert (change["kind"], change["table"], change["column"], change["old_type"], change["new_type"], change["severity"]) == (
        "column_retyped",
        "mart.trip_fares",
        "distance_km",
        "DECIMAL(8, 3)",
        "INT",
        "breaking",
    )
    assert change["broken"] == [{"at": "sql/reports.sql:1", "reads": ["mart.trip_fares.distance_km"], "head": "still reads it"}]
