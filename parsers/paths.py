"""How file paths are shown and recorded: one rule for scans, the catalog and diffs."""

from __future__ import annotations

import os
from pathlib import Path

# a folder holding this file is a dbt project: its files are rendered and scanned as one unit
PROJECT_FILE = "dbt_project.yml"
MANIFEST_FILE = "manifest.json"  # dbt's, under the project's target-path
SQL_SUFFIXES = (".sql",)
PY_SUFFIXES = (".py",)
# dbt properties and the catalog (YAML), and dbt seeds, whose CSV header declares columns
DATA_SUFFIXES = (".yml", ".yaml", ".csv")
SCANNED_SUFFIXES = SQL_SUFFIXES + PY_SUFFIXES + DATA_SUFFIXES


def scanned_name(name: str) -> bool:
    """Whether a scan may read a file so named: the one rule for a scan and `lineage diff`'s export."""
    return name.endswith(SCANNED_SUFFIXES) or os.path.basename(name) == MANIFEST_FILE


def display_path(path: Path) -> str:
    """Paths as users see them: relative to the working directory when below it."""
    if not os.path.isabs(path):
        shown = os.path.normpath(path)
        if shown != ".." and not shown.startswith(".." + os.sep):  # already relative to the working directory
            return shown
    absolute, cwd = os.path.abspath(path), os.getcwd()
    # abspath, not resolve(): no file system calls, which cost seconds over ten thousand files
    return os.path.relpath(absolute, cwd) if absolute.startswith(cwd.rstrip(os.sep) + os.sep) else str(path)
