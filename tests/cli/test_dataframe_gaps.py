"""A table written from a DataFrame no SQL built is a gap every answer reaching it says, not an
empty upstream that looks complete (tests/golden/etl/dataframe_writes.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from cli.main import app

CASE = Path(__file__).resolve().parent.parent / "golden" / "etl" / "dataframe_writes.py"


def test_upstream_of_a_dataframe_written_table_is_said_to_be_incomplete(tmp_path: Path) -> None:
    shutil.copy(CASE, tmp_path / "job.py")
    runner, store = CliRunner(), str(tmp_path / "store")
    scanned = runner.invoke(app, ["scan", str(tmp_path / "job.py"), "--store", store])
    assert scanned.exit_code == 0, scanned.output
    assert scanned.stderr.splitlines()[-1] == "Scanned 1 file, 1 statement; 2 warnings; 3 edges written."
    result = runner.invoke(app, ["upstream", "mart.paid_orders.amount_usd", "--store", store])
    assert result.exit_code == 0, result.output
    job = tmp_path / "job.py"
    assert result.stdout.splitlines() == [
        "Nothing upstream of mart.paid_orders.amount_usd.",
        # the pandas write (line 25) may read it too: its words are every string of the file
        f"May be incomplete: 2 statements that did not parse may read mart.paid_orders ({job}:19, {job}:25).",
    ]
