"""The catalog: who owns each table, how critical it is, and which dashboards and ML features read what."""

from __future__ import annotations

from dataclasses import dataclass, replace
from fnmatch import fnmatchcase

from lineage.model import ColumnEdge, Location, NodeKind, Tier


@dataclass(frozen=True, slots=True)
class Owner:
    id: str
    name: str = ""
    email: str = ""
    slack: str = ""
    github: str = ""

    def contacts(self) -> tuple[tuple[str, str], ...]:
        pairs = (("email", self.email), ("slack", self.slack), ("github", self.github))
        return tuple((k, v) for k, v in pairs if v)


@dataclass(frozen=True, slots=True)
class TableEntry:
    pattern: str  # a table name or a glob such as `staging.*`
    owner: str = ""
    tier: Tier | None = None
    description: str = ""
    deprecated: str = ""  # a date, when the table is being retired
    at: Location | None = None
    replaced_by: str = ""  # the versioned table that replaces it (`app.orders_v2`)
    mapping: tuple[tuple[str, str], ...] = ()  # old column -> its column in `replaced_by` ("" where none)
    renewed: str = ""  # a date: a view-tier table's owner confirmed it is still wanted

    def matches(self, table: str) -> bool:
        return self.pattern == table or table.endswith("." + self.pattern) or fnmatchcase(table, self.pattern)


@dataclass(frozen=True, slots=True)
class ContractColumn:
    name: str
    type: str = ""
    description: str = ""
    at: Location | None = None


@dataclass(frozen=True, slots=True)
class DeclaredContract:
    """What a table's owner promises (`contracts:`, or the contract keys of a `tables:` entry)."""

    table: str  # a table name or a glob, as `TableEntry.pattern`
    columns: tuple[ContractColumn, ...] = ()
    freshness: tuple[tuple[str, int], ...] = ()  # (percentile such as "p95", seconds), as declared
    escalation: str = ""  # where to raise a breach: a channel, a pager, an address
    at: Location | None = None

    def matches(self, table: str) -> bool:
        return self.table == table or table.endswith("." + self.table) or fnmatchcase(table, self.table)


@dataclass(frozen=True, slots=True)
class Consumer:
    """A dashboard or ML feature: reads `columns` (listed) and/or what its SQL reads (`reads`)."""

    id: str
    kind: NodeKind  # DASHBOARD or ML_FEATURE
    owner: str = ""
    title: str = ""
    url: str = ""
    columns: tuple[str, ...] = ()
    sql: str = ""  # path of the SQL file, relative to the working directory
    reads: tuple[ColumnEdge, ...] = ()
    at: Location | None = None
    # names no columns: every known column of what it depends on is counted as read, so a
    # column added later, or unknown at scan time, reaches it through nothing
    table_level: bool = False
    columns_at: tuple[Location, ...] = ()  # where each of `columns` is written, when read from a file
    tags: str = ""  # the tool's own tags, `key=value, ...` (Feast)


@dataclass(frozen=True, slots=True)
class DialectRule:
    """`dialects:` in lineage.yml: files matching `pattern` (relative to the catalog's folder) are read as `dialect`."""

    pattern: str  # a glob: `*` within a folder, `**` across folders
    dialect: str  # a sqlglot dialect name, lower case
    at: Location | None = None


@dataclass(frozen=True, slots=True)
class Unmatched:
    """A catalog name that matches nothing scanned (see lineage/catalog_check.py)."""

    name: str
    message: str
    at: Location | None = None
    hint: str = ""  # "did you mean '...'?", when a name close to it exists

    def __str__(self) -> str:
        text = self.message + (f"; {self.hint}" if self.hint else "")
        return f"{self.at}: {text}" if self.at else text


@dataclass(frozen=True, slots=True)
class OwnerRule:
    """`consumer_owners:` in lineage.yml: a consumer with no owner of its own, whose id or file matches `pattern`, is `owner`'s."""

    pattern: str  # a glob over the consumer's id (`looker:revenue_*`) or its file's path (`looker/**`)
    owner: str
    at: Location | None = None

    def matches(self, consumer: Consumer) -> bool:
        path = consumer.at.file if consumer.at else ""
        return fnmatchcase(consumer.id, self.pattern) or bool(path) and (fnmatchcase(path, self.pattern) or fnmatchcase(path, "*/" + self.pattern))


@dataclass(frozen=True, slots=True)
class Catalog:
    path: str
    owners: tuple[Owner, ...] = ()
    tables: tuple[TableEntry, ...] = ()
    consumers: tuple[Consumer, ...] = ()
    dialects: tuple[DialectRule, ...] = ()  # in the order written: the first match wins
    unmatched: tuple[Unmatched, ...] = ()  # names matching nothing scanned: set after the scan
    owner_rules: tuple[OwnerRule, ...] = ()  # in the order written: the first match wins
    # `observed_owners:`: who owns a reader seen in query logs, by its user or `role:<role>` (lineage/observed.py)
    observed_owners: tuple[OwnerRule, ...] = ()
    namespace: str = ""  # the OpenLineage namespace of the jobs and datasets exported
    contracts: tuple[DeclaredContract, ...] = ()  # in the order written

    def contract_for(self, table: str) -> DeclaredContract | None:
        """Exact names win over globs, as for `table_entry`; among globs the longest wins."""
        exact = [c for c in self.contracts if c.table == table or table.endswith("." + c.table) or c.table.endswith("." + table)]
        if exact:
            return exact[0]
        globs = sorted((c for c in self.contracts if fnmatchcase(table, c.table)), key=lambda c: -len(c.table))
        return globs[0] if globs else None

    def table_entry(self, table: str) -> TableEntry | None:
        """Exact entries win over globs; among globs the longest (most specific) pattern wins."""
        exact = [e for e in self.tables if e.pattern == table or table.endswith("." + e.pattern) or e.pattern.endswith("." + table)]
        if exact:
            return exact[0]
        globs = sorted((e for e in self.tables if fnmatchcase(table, e.pattern)), key=lambda e: -len(e.pattern))
        return globs[0] if globs else None

    def with_rule_owners(self) -> Catalog:
        """Consumers whose tool names no owner take the first matching `consumer_owners` rule's."""
        def owned(c: Consumer) -> Consumer:
            rule = next((r for r in self.owner_rules if r.matches(c)), None) if not c.owner else None
            return replace(c, owner=rule.owner) if rule else c

        return replace(self, consumers=tuple(owned(c) for c in self.consumers))

    def with_reads(self, reads: dict[str, tuple[ColumnEdge, ...]]) -> Catalog:
        consumers = tuple(replace(c, reads=reads.get(c.id, c.reads)) for c in self.consumers)
        return replace(self, consumers=consumers)
