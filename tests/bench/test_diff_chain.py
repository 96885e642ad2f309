"""The diff benchmark's chain, small, through the real CLI in a real git repository: every rename's reach
from the one shared walk, and every rename fixed by the same commit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bench.diff_chain import make_repo
from cli.main import app

runner = CliRunner()


def test_a_chain_of_renames_each_reaches_the_rest_of_the_chain_and_breaks_nothing_after_the_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_repo(tmp_path / "chain", 40, 20)
    monkeypatch.chdir(tmp_path / "chain")
    result = runner.invoke(app, ["diff", "--base", "main", "models", "--fail-on", "breaking"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:2] == ["⚠️ 19 breaking changes (19 fixed in this change), 1 non-breaking", "Complete."]
    result = runner.invoke(app, ["diff", "--base", "main", "models", "--format", "json"])
    changes = json.loads(result.stdout)["changes"]
    reach = {c["table"]: (len(c["impact"]["columns"]), len(c["impact"]["tables"]), c["still_breaks"]) for c in changes}
    # the view renamed at position i reaches v of every view after it
    assert reach == {
        f"m.t{i:04d}": (39 - i, 39 - i, {"breaks": False, "readers": 0, "columns": 0, "tables": 0, "dashboards": 0, "ml_features": 0, "statements": []} if i < 39 else None)
        for i in range(1, 40, 2)
    }
