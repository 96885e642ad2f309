"""A warehouse's change history, product by product: what each commit did to each table, as `lineage
diff` judged it (`lineage/diff.py`), kept small enough to cache per commit (`parsers/history.py`)."""

from __future__ import annotations

from dataclasses import dataclass

from lineage.catalog import Catalog
from lineage.contracts import ContractLevel
from lineage.diff import DiffReport
from lineage.schema_diff import DiffKind
from lineage.severity import ChangeSeverity


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    parent: str  # "" for a root commit
    date: str  # committer date, YYYY-MM-DD
    subject: str

    @property
    def short(self) -> str:
        return self.sha[:7]


@dataclass(frozen=True, slots=True)
class ProductChange:
    """One difference a commit made to one table, judged against the commit's parent."""

    commit: Commit
    table: str
    kind: DiffKind
    subject: str  # `table` or `table.column`
    new_name: str  # a rename's new name (the table's, for a table rename)
    severity: ChangeSeverity
    level: ContractLevel
    message: str  # the contract's, when it has something to say
    at: str  # file:line of the statement that defines it, at the commit (or before, when removed)
    mapping_declared: bool = False  # the commit's catalog gives a `mapping:` for the table

    @property
    def tables(self) -> tuple[str, ...]:
        """The products it belongs to: a table rename is history of the old name and of the new."""
        return (self.table, self.new_name) if self.kind is DiffKind.TABLE_RENAMED and self.new_name else (self.table,)

    def describe(self) -> str:
        verb = str(self.kind).split("_", 1)[1].replace("_", " ")
        return f"{self.subject} {verb}" + (f" to {self.new_name}" if self.new_name else "")


@dataclass(frozen=True, slots=True)
class History:
    """Every product change in the commits scored, and the last commit that changed each file."""

    commits: tuple[Commit, ...] = ()
    changes: tuple[ProductChange, ...] = ()
    last_changed: tuple[tuple[str, Commit], ...] = ()  # (repository path, latest commit that changed it)
    since: str = ""  # YYYY-MM-DD: commits before it were not scored
    known: bool = True  # False when no git history was read at all
    problems: tuple[str, ...] = ()  # what a commit's revisions could not read: its changes may be missing

    def of(self, table: str) -> tuple[ProductChange, ...]:
        return tuple(c for c in self.changes if table in c.tables)

    def last_change(self, path: str) -> Commit | None:
        return next((commit for p, commit in self.last_changed if p == path), None)


def changes_of(report: DiffReport, commit: Commit, catalog: Catalog | None) -> tuple[ProductChange, ...]:
    """The changes of one commit's diff that matter to a product: additions only when nothing else is."""
    out = []
    for change in report.changes:
        delta = change.delta
        where = delta.head_at or delta.base_at
        at = str(where) if where is not None else ""
        entry = catalog.table_entry(delta.table) if catalog is not None else None
        new_name = delta.new_name if delta.kind in (DiffKind.TABLE_RENAMED, DiffKind.COLUMN_RENAMED) else ""
        out.append(ProductChange(commit, delta.table, delta.kind, delta.subject, new_name, change.severity, change.contract.level, change.contract.message, at, bool(entry and entry.mapping)))
    return tuple(out)
