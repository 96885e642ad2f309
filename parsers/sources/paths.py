"""How file paths are shown and recorded, and which files scanned code may name: one rule for
scans, the catalog, dbt projects and diffs."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from lineage.model import Diagnostic, Location

# a folder holding this file is a dbt project: its files are rendered and scanned as one unit
PROJECT_FILE = "dbt_project.yml"
MANIFEST_FILE = "manifest.json"  # dbt's, under the project's target-path
SQL_SUFFIXES = (".sql",)
PY_SUFFIXES = (".py",)
# dbt properties and the catalog (YAML), and dbt seeds, whose CSV header declares columns
DATA_SUFFIXES = (".yml", ".yaml", ".csv")
SCANNED_SUFFIXES = SQL_SUFFIXES + PY_SUFFIXES + DATA_SUFFIXES
# BI definitions (parsers/bi): LookML views, models and dashboards; Tableau workbooks and data sources
LOOKER_SUFFIXES = (".lkml", ".lookml")
TABLEAU_SUFFIXES = (".twb", ".tds", ".twbx", ".tdsx")
NOTEBOOK_SUFFIXES = (".ipynb",)  # Jupyter notebooks: SQL cells and calls, read as one consumer each
ZIP_SUFFIXES = (".zip",)  # looked into: a Superset export's zip is read (parsers/bi/superset), others ignored
BI_SUFFIXES = LOOKER_SUFFIXES + TABLEAU_SUFFIXES + NOTEBOOK_SUFFIXES + ZIP_SUFFIXES
SUPERSET_FILE = "metadata.yaml"  # at the root of a `superset export-dashboards` folder
# a Power BI project's semantic model folder holds definition.pbism, its report folder definition.pbir
POWERBI_MODEL, POWERBI_REPORT = "definition.pbism", "definition.pbir"
POWERBI_SUFFIXES = (".tmdl", ".bim", ".pbism", ".pbir", "/page.json", "/visual.json", "/report.json")
METABASE_FOLDER = "collections"  # of a Metabase serialization export (`mb export`): its cards and dashboards


def scanned_name(name: str) -> bool:
    """Whether a scan may read a file so named: the one rule for a scan and `lineage diff`'s export."""
    return name.lower().endswith(SCANNED_SUFFIXES + BI_SUFFIXES + POWERBI_SUFFIXES) or os.path.basename(name) == MANIFEST_FILE


def display_path(path: str | Path) -> str:
    """Paths as users see them: relative to the working directory when below it."""
    if not os.path.isabs(path):
        shown = os.path.normpath(path)
        if shown != ".." and not shown.startswith(".." + os.sep):  # already relative to the working directory
            return shown
    absolute, cwd = os.path.abspath(path), os.getcwd()
    # abspath, not resolve(): no file system calls, which cost seconds over ten thousand files
    return os.path.relpath(absolute, cwd) if absolute.startswith(cwd.rstrip(os.sep) + os.sep) else str(path)


@dataclass(frozen=True, slots=True)
class Root:
    """The folders that files named by scanned code may be read from.

    The code under scan comes with the pull request (`lineage diff` in CI): a template folder, an
    include, `sql='x.sql'` or a dbt path must not have us read, and print into the report, a file
    of the machine we run on (`/proc/self/environ`, `/etc/passwd`). A name is inside when its real
    path is, so `..`, absolute paths and symlinks out of the tree are all refused alike.
    """

    reals: tuple[str, ...]  # the folders' real paths: symlinks resolved
    name: str  # what the folders are to users, for messages: "the scanned folder", "the project"

    @classmethod
    def of(cls, folders: Iterable[Path], name: str) -> Root:
        return cls(tuple(sorted({os.path.realpath(f) for f in folders})), name)

    def holds(self, path: Path) -> bool:
        """Whether `path` (which need not exist), once every link is followed, lies in a folder."""
        real = os.path.realpath(path)
        return any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in self.reals)

    def holds_entry(self, path: Path) -> bool:
        """`holds` for a file found by walking a folder it holds: os.walk and rglob do not descend
        into linked folders, so only a link itself can lead out, and only links cost a realpath."""
        return not path.is_symlink() or self.holds(path)

    def refused_link(self, shown: str) -> Diagnostic:
        """What a link found in these folders, to a file outside them, is."""
        return Diagnostic(Location(shown), f"a link to a file outside {self.name}; not read")
