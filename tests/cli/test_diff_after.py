"""`lineage diff` on real git repositories: what still breaks once the whole change set is deployed,
and what a `SELECT *` view does with a rename it passes on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_diff import Repo, run

DRIVERS = "CREATE TABLE raw.drivers (driver_id INT, vehicle_type VARCHAR(20));\n"
FLEET = "CREATE VIEW mart.fleet AS SELECT vehicle_type, COUNT(*) AS drivers FROM raw.drivers GROUP BY vehicle_type;\n"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    repo = Repo(tmp_path / "warehouse")
    repo.root.mkdir()
    repo.git("init", "-q", "-b", "main")
    repo.git("config", "user.name", "Lineage Tests")
    repo.git("config", "user.email", "tests@lineage.example")
    monkeypatch.chdir(repo.root)
    return repo


def diff(*args: str) -> tuple[int, str, str]:
    return run("diff", "--base", "main", "sql", *args)


def changes(code: int = 0) -> list[dict[str, object]]:
    exit_code, out, err = diff("--format", "json")
    assert exit_code == code, err
    return json.loads(out)["changes"]  # type: ignore[no-any-return]


def commit(repo: Repo, files: dict[str, str], message: str, branch: str | None = None) -> None:
    if branch:
        repo.git("checkout", "-q", "-b", branch)
    for name, text in files.items():
        repo.write(f"sql/{name}", text)
    repo.commit(message)


def test_a_rename_whose_only_reader_the_same_commit_updates_breaks_nothing_after_it(repo: Repo) -> None:
    commit(repo, {"raw.sql": DRIVERS, "fleet.sql": FLEET}, "drivers")
    renamed = {"raw.sql": DRIVERS.replace("vehicle_type", "vehicle_class"), "fleet.sql": FLEET.replace("vehicle_type", "vehicle_class AS vehicle_type", 1).replace("BY vehicle_type", "BY vehicle_class")}
    commit(repo, renamed, "rename vehicle_type and update the fleet view", branch="rename")
    (change,) = changes()
    assert (change["kind"], change["severity"], change["broken"]) == ("column_renamed", "breaking", [{"at": "sql/fleet.sql:1", "reads": ["raw.drivers.vehicle_type"], "head": "updated in this change"}])
    assert change["still_breaks"] == {"breaks": False, "readers": 0, "columns": 0, "tables": 0, "dashboards": 0, "ml_features": 0, "statements": []}
    code, out, _ = diff("--fail-on", "breaking")
    assert code == 0
    assert out.splitlines()[0] == "⚠️ 1 breaking change (1 fixed in this change)"
    code, out, _ = diff("--format", "markdown")
    assert "| 🔴 | `raw.drivers.vehicle_type` renamed to `vehicle_class` | breaking |  | 1 table, 2 columns | breaks nothing: every reader is updated or removed in this change |" in out.splitlines()
    assert "**After this change:** breaks nothing: every reader is updated or removed in this change." in out.splitlines()


def test_a_rename_whose_reader_is_left_alone_still_breaks_and_fails_the_gate(repo: Repo) -> None:
    commit(repo, {"raw.sql": DRIVERS, "fleet.sql": FLEET}, "drivers")
    commit(repo, {"raw.sql": DRIVERS.replace("vehicle_type", "vehicle_class")}, "rename vehicle_type only", branch="rename")
    (change,) = changes()
    assert change["still_breaks"] == {"breaks": True, "readers": 0, "columns": 2, "tables": 1, "dashboards": 0, "ml_features": 0, "statements": ["sql/fleet.sql:1"]}
    code, out, _ = diff("--fail-on", "breaking")
    assert code == 3
    assert out.splitlines()[0] == "❌ 1 breaking change"


def test_a_select_star_view_passes_the_rename_on_and_its_reader_breaks(repo: Repo) -> None:
    views = {
        # one file: a scan's second pass expands a `*` over a view of an earlier file, not a `*` over that
        "stg.sql": "CREATE VIEW staging.drivers AS SELECT * FROM raw.drivers;\nCREATE VIEW staging.active_drivers AS SELECT * FROM staging.drivers;\n",
        "fleet.sql": FLEET.replace("raw.drivers", "staging.active_drivers"),
    }
    commit(repo, {"raw.sql": DRIVERS, **views}, "drivers")
    commit(repo, {"raw.sql": DRIVERS.replace("vehicle_type", "vehicle_class")}, "rename vehicle_type only", branch="rename")
    found = {f"{c['table']}.{c['column']}": (c["severity"], c["new_name"], c["broken"], (c["still_breaks"] or {}).get("breaks")) for c in changes()}  # type: ignore[index, union-attr]
    assert found == {
        "raw.drivers.vehicle_type": (
            "breaking",
            "vehicle_class",
            [{"at": "sql/stg.sql:1", "reads": ["raw.drivers.vehicle_type"], "head": "still runs; its output is renamed too", "renames": [{"old": "staging.drivers.vehicle_type", "new": "staging.drivers.vehicle_class"}]}],
            False,
        ),
        "staging.drivers.vehicle_type": (
            "breaking",
            "vehicle_class",
            [{"at": "sql/stg.sql:2", "reads": ["staging.drivers.vehicle_type"], "head": "still runs; its output is renamed too", "renames": [{"old": "staging.active_drivers.vehicle_type", "new": "staging.active_drivers.vehicle_class"}]}],
            False,
        ),
        "staging.active_drivers.vehicle_type": (
            "breaking",
            "vehicle_class",
            [{"at": "sql/fleet.sql:1", "reads": ["staging.active_drivers.vehicle_type"], "head": "still reads it"}],
            True,
        ),
    }
    code, out, _ = diff("--format", "markdown")
    assert code == 0
    assert (
        "- `sql/stg.sql:1` reads `raw.drivers.vehicle_type`: still runs; its output is renamed too "
        "(`staging.drivers.vehicle_type` -> `staging.drivers.vehicle_class`): what reads `staging.drivers.vehicle_type` breaks"
    ) in out.splitlines()
    assert run("diff", "--base", "main", "sql", "--fail-on", "breaking")[0] == 3
