"""What the dbt CLI tests share: writing a project's files, and real dbt's manifest of it."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import ROOT
from tests.parsers.test_dbt import write_project

__all__ = ["real_manifest", "write_project"]


def real_manifest(project: Path) -> Path:
    """target/manifest.json of `project`, written by real dbt-core with dbt-duckdb (scripts/dbt-manifest.sh)."""
    done = subprocess.run(["bash", str(ROOT / "scripts" / "dbt-manifest.sh"), str(project)], capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    return Path(done.stdout.strip())
