"""The lineage model: vocabularies, parser facts and graph nodes/edges, as frozen dataclasses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any, TypeVar

T = TypeVar("T")

# Names of the nodes that stand for what a scan could not resolve, here beside the model so that
# the answers that count them (lineage/completeness.py) need not load the graph builder.
UNRESOLVED = "<unresolved>"  # table of a column whose table the SQL does not name
UNPARSED = "<unparsed>"  # name prefix of the nodes of statements that did not parse: `find` lists them
MARKER = "unresolved_"  # name prefix of what a template's unknown macro renders as (said where it renders)
UNMATCHED = "<unmatched>"  # name prefix of the nodes of catalog names that match nothing scanned


class NodeKind(StrEnum):
    TABLE = "table"
    COLUMN = "column"
    DASHBOARD = "dashboard"
    ML_FEATURE = "ml_feature"
    OWNER = "owner"
    UNPARSED = "unparsed"  # a statement or file whose lineage is missing: it did not parse
    QUERY = "query"  # a query a warehouse log says ran (lineage/observed.py): who, how often, when


class Relation(StrEnum):
    FEEDS = "feeds"  # column -> column/table/dashboard/feature; see Flow for how
    HAS_COLUMN = "has_column"  # table -> its column
    OWNED_BY = "owned_by"  # asset -> owner; impact walks never follow it


class Flow(StrEnum):
    """OpenLineage column-lineage facet `type`: does the value flow, or only shape the rows?"""

    DIRECT = "direct"
    INDIRECT = "indirect"


class Subtype(StrEnum):
    """OpenLineage column-lineage facet `subtype`."""

    IDENTITY = "identity"
    TRANSFORMATION = "transformation"
    AGGREGATION = "aggregation"
    JOIN = "join"
    GROUP_BY = "group_by"
    FILTER = "filter"
    SORT = "sort"
    WINDOW = "window"
    CONDITIONAL = "conditional"


# Indirect subtypes that shape the whole target table rather than one output column.
TABLE_LEVEL_SUBTYPES = frozenset({Subtype.JOIN, Subtype.GROUP_BY, Subtype.FILTER, Subtype.SORT})


class TableKind(StrEnum):
    SOURCE = "source"  # read but never defined in the scanned code
    TABLE = "table"
    VIEW = "view"


class Tier(StrEnum):
    """Criticality of a data product, from the catalog."""

    CORE = "core"
    MART = "mart"
    VIEW = "view"


class Direction(StrEnum):
    UPSTREAM = "upstream"
    DOWNSTREAM = "downstream"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, order=True)
class Location:
    file: str
    line: int = 0
    statement: int = 0

    def __str__(self) -> str:
        return f"{escaped(self.file)}:{self.line}" if self.line else escaped(self.file)


def escaped(text: str) -> str:
    """`text` on one line: control characters (a newline in a file name) as escapes, like git's
    quoting, so a diagnostic stays the one line a reader or a script expects."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)  # repr: \n, \x1b, \udcff


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    at: Location
    message: str
    severity: Severity = Severity.ERROR
    # True when more schema knowledge (another file's DDL) could resolve it: a scan re-extracts
    # such files once every declaration is known, and only those
    needs_schema: bool = False
    # for an error: the words of the failed statement's text (identifiers, lower-cased), which
    # name every table it may read; () when nothing could be told, so it may read any table.
    # For a warning: () unless lineage is known to be missing there (a table written from a
    # DataFrame no SQL here built), then the words of what it may read or write, as for an error
    mentions: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.at}: {self.message}"


@dataclass(frozen=True, slots=True)
class ColumnEdge:
    """One column-lineage fact as the parser saw it: names as written in the SQL.

    `target_column` is None for table-level indirect edges (join, group_by, filter, sort);
    `source_table` is None when the SQL does not say which table a column comes from.
    """

    source_table: str | None
    source_column: str
    target_table: str
    target_column: str | None
    flow: Flow
    subtype: Subtype
    at: Location

    def key(self) -> tuple[object, ...]:
        """Sort order: by statement, then target, then source (None sorts first)."""
        return (
            self.at,
            self.target_table,
            self.target_column or "",
            self.source_table or "",
            self.source_column,
            self.flow,
            self.subtype,
        )

    def to_record(self) -> dict[str, object]:
        return {
            "source_table": self.source_table,
            "source_column": self.source_column,
            "target_table": self.target_table,
            "target_column": self.target_column,
            "kind": str(self.flow),
            "subtype": str(self.subtype),
            "file": self.at.file,
            "statement": self.at.statement,
            "line": self.at.line,
        }


@dataclass(frozen=True, slots=True, order=True)
class TableFact:
    """A relation a file defines (DDL, CTAS, view) or writes into, with the columns it knows."""

    name: str
    kind: TableKind
    columns: tuple[tuple[str, str | None], ...]  # (column, type or None), in declared order
    at: Location


@dataclass(frozen=True, slots=True, order=True)
class SchemaChange:
    """ALTER TABLE ... RENAME/DROP COLUMN, recorded so diffs and impact can see it."""

    table: str
    action: str  # "rename_column" | "drop_column" | "alter_type" | "add_column" | "rename_table" | "swap_table"
    column: str
    new_name: str | None
    at: Location


# the schema changes whose edges carry values from an old name to a new one, not a definition
RENAMING_ACTIONS = frozenset({"rename_column", "rename_table", "swap_table"})


@dataclass(frozen=True, slots=True, order=True)
class Formula:
    """How a statement computes one output column, or one clause that decides its rows, as
    canonical SQL: formatting, comments, quoting and table aliases removed, columns qualified by the
    tables they come from and derived tables' columns written out. Equal text, equal data."""

    table: str
    column: str | None  # None: a row-deciding clause of the table (join, filter, grouping, ...)
    clause: str  # "" for a column; else what decides rows: "join", "where", "group by", ...
    sql: str
    at: Location


@dataclass(frozen=True, slots=True)
class FileFacts:
    """Everything one source file says about lineage."""

    path: str
    edges: tuple[ColumnEdge, ...] = ()
    tables: tuple[TableFact, ...] = ()
    schema_changes: tuple[SchemaChange, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    statements: int = 0
    reads: tuple[str, ...] = ()  # every relation its statements name, sorted: what its lineage depends on
    formulas: tuple[Formula, ...] = ()  # what `lineage diff` compares beside the edges, in statement order
    temporary: tuple[str, ...] = ()  # tables it creates as TEMPORARY: its session's own, not another file's

    @property
    def failures(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity is Severity.ERROR)


@dataclass(frozen=True, slots=True, order=True)
class Node:
    """A graph node; `id` is `<kind>:<normalised qualified name>`."""

    id: str
    kind: NodeKind
    name: str
    attrs: tuple[tuple[str, str], ...] = ()

    def attr(self, key: str, default: str | None = None) -> str | None:
        for k, v in self.attrs:
            if k == key:
                return v
        return default

    def to_record(self) -> dict[str, object]:
        return {"id": self.id, "kind": str(self.kind), "name": self.name, "attrs": dict(self.attrs)}

    @classmethod
    def from_record(cls, rec: dict[str, object]) -> Node:
        attrs = rec.get("attrs") or {}
        assert isinstance(attrs, dict)
        return cls(str(rec["id"]), NodeKind(str(rec["kind"])), str(rec["name"]), tuple(sorted((str(k), str(v)) for k, v in attrs.items())))


@dataclass(frozen=True, slots=True, order=True)
class Edge:
    """A graph edge with provenance; `file` is the source file that asserted it."""

    source: str
    target: str
    relation: Relation
    flow: Flow | None = None
    subtype: Subtype | None = None
    file: str = ""
    line: int = 0
    statement: int = 0

    def to_record(self) -> dict[str, object]:
        return {
            "source": self.source,
            "target": self.target,
            "relation": str(self.relation),
            "flow": str(self.flow) if self.flow else None,
            "subtype": str(self.subtype) if self.subtype else None,
            "file": self.file,
            "line": self.line,
            "statement": self.statement,
        }

    @classmethod
    def from_record(cls, rec: dict[str, object]) -> Edge:
        flow, subtype = rec.get("flow"), rec.get("subtype")
        return cls(
            str(rec["source"]),
            str(rec["target"]),
            Relation(str(rec["relation"])),
            Flow(str(flow)) if flow else None,
            Subtype(str(subtype)) if subtype else None,
            str(rec.get("file") or ""),
            int(str(rec.get("line") or 0)),
            int(str(rec.get("statement") or 0)),
        )


@dataclass(frozen=True, slots=True)
class GraphFacts:
    """The nodes and edges one source (a file, or the catalog) contributes to the graph."""

    source: str
    nodes: tuple[Node, ...] = field(default=())
    edges: tuple[Edge, ...] = field(default=())
    # what the nodes and edges are a pure function of; a store keeps it so that a re-scan can
    # skip rebuilding and rewriting a source whose fingerprint it already holds ("" never matches)
    fingerprint: str = ""


def node_id(kind: NodeKind, name: str) -> str:
    return f"{kind}:{name}"


# Making many values of a frozen dataclass with slots at half the cost of calling the class: its
# `__init__` sets each field through `object.__setattr__` (its own `__setattr__` refuses), about
# 0.12 µs a field, and an impact at 1M edges makes ~1,200 `Node`s and as many `Reached` and
# `Statement`s in one query. The function `maker(cls)` returns sets the slots through their
# descriptors, as `object.__setattr__` ends up doing: the value is equal, hashed and printed alike,
# and as frozen afterwards.
def maker(cls: type[T]) -> Callable[..., T]:
    """`cls(*values)` for every field given positionally; only for a slotted dataclass whose
    `__init__` does nothing more (no `__post_init__`, no `InitVar`, no field left out of `__init__`)."""
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    if hasattr(cls, "__post_init__") or not all(f.init for f in fields(cls)) or getattr(cls, "__slots__", None) != tuple(names):  # type: ignore[arg-type]
        raise TypeError(f"{cls.__name__}: not a plain slotted dataclass")
    scope: dict[str, Any] = {"new": object.__new__, "cls": cls, **{f"set_{n}": getattr(cls, n).__set__ for n in names}}
    lines = [f"def make({', '.join(names)}):", "    made = new(cls)", *(f"    set_{n}(made, {n})" for n in names), "    return made"]
    exec("\n".join(lines), scope)  # as dataclasses writes `__init__`: one function, no loop per value
    return scope["make"]  # type: ignore[no-any-return]
