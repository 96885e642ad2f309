"""One revision's lineage facts, and the shape of every table and view it defines.

Pure: `parsers/git.py` reads a revision's files out of git; this module only reshapes `FileFacts`
and the catalog, so `lineage/diff.py` can compare two revisions table by table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from lineage.catalog import Catalog, Consumer, DeclaredContract
from lineage.graph import Canonicaliser, table_names
from lineage.model import RENAMING_ACTIONS, ColumnEdge, Diagnostic, FileFacts, Flow, Formula, Location, SchemaChange, Severity, Subtype, TableFact, TableKind

STAR = "*"  # an unexpanded `*`: not a column a table defines

# (table, column, flow, subtype) of one input of a column; table "" when the SQL does not say
Source = tuple[str, str, Flow, Subtype]


@dataclass(frozen=True, slots=True)
class Revision:
    """What one git revision says: every scanned file's facts and its catalog, paths repo-relative."""

    ref: str  # as the user named it: `main`, `HEAD~1`, a SHA
    sha: str
    files: tuple[FileFacts, ...] = ()
    catalog: Catalog | None = None
    problems: tuple[Diagnostic, ...] = ()  # what could not be read at all (a broken catalog)
    blobs: tuple[tuple[str, str], ...] = ()  # (path, git blob id) of each file read: equal ids, equal text

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        found = [d for f in self.files for d in f.diagnostics if d.severity is Severity.ERROR]
        return tuple(sorted(found + list(self.problems)))


@dataclass(frozen=True, slots=True)
class ColumnShape:
    name: str
    type: str | None  # declared (DDL, ALTER ... TYPE) or CAST type, when known
    position: int  # 0-based, in declared order
    sources: frozenset[Source]
    at: Location  # the statement that defines or fills it
    formula: tuple[str, ...] = ()  # canonical SQL of each statement that fills it (see parsers.sql.formulas)
    inherited: bool = False  # `type` is the type of the one column it passes through, not its own


@dataclass(frozen=True, slots=True)
class TableShape:
    name: str
    kind: TableKind
    columns: tuple[ColumnShape, ...]
    rows: frozenset[Source]  # table-level inputs: what joins, filters, groups or sorts its rows
    at: Location
    clauses: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (clause, canonical SQL per statement): what decides its rows

    def clause(self, name: str) -> tuple[str, ...]:
        return next((texts for key, texts in self.clauses if key == name), ())

    def column(self, name: str) -> ColumnShape | None:
        return next((c for c in self.columns if c.name == name), None)


@dataclass(frozen=True, slots=True)
class Shapes:
    """Every table and view one revision defines, by canonical name, and its ALTER ... RENAMEs."""

    tables: tuple[TableShape, ...]
    renames: tuple[SchemaChange, ...]

    def table(self, name: str) -> TableShape | None:
        return next((t for t in self.tables if t.name == name), None)


@dataclass
class _Draft:
    """A table being assembled from DDL, CREATE ... AS and the statements that write into it."""

    kind: TableKind
    at: Location
    types: dict[str, str | None] = field(default_factory=dict)  # insertion order is column order
    places: dict[str, Location] = field(default_factory=dict)
    sources: dict[str, set[Source]] = field(default_factory=dict)
    rows: set[Source] = field(default_factory=set)
    formulas: dict[str, list[str]] = field(default_factory=dict)
    clauses: dict[str, list[str]] = field(default_factory=dict)
    inherited: set[str] = field(default_factory=set)  # columns whose type is their source's

    def add(self, column: str, type_: str | None, at: Location) -> None:
        if self.types.get(column) is None:
            self.types[column] = type_
        self.places.setdefault(column, at)
        self.sources.setdefault(column, set())

    def rename(self, old: str, new: str) -> None:
        if old not in self.types or old == new:
            return
        type_ = self.types[old] if self.types[old] is not None else self.types.get(new)
        # rebuilt so the renamed column keeps its place in the declared order
        self.types = {(new if k == old else k): (type_ if k == old else v) for k, v in self.types.items() if k != new}
        self.places[new] = self.places.pop(old)
        self.sources[new] = self.sources.pop(old) | self.sources.get(new, set())
        if old in self.formulas:
            self.formulas[new] = self.formulas.pop(old)

    def drop(self, column: str) -> None:
        for table in (self.types, self.places, self.sources, self.formulas):
            table.pop(column, None)

    def freeze(self, name: str) -> TableShape:
        columns = tuple(
            ColumnShape(column, type_, index, frozenset(self.sources[column]), self.places[column], tuple(self.formulas.get(column, ())), column in self.inherited)
            for index, (column, type_) in enumerate(self.types.items())
        )
        clauses = tuple((clause, tuple(texts)) for clause, texts in sorted(self.clauses.items()))
        return TableShape(name, self.kind, columns, frozenset(self.rows), self.at, clauses)


def shapes_of(revision: Revision) -> Shapes:
    """Tables and views the revision defines (CREATE TABLE, CREATE ... AS, CREATE VIEW), with ALTERs applied."""
    canon = Canonicaliser(table_names(revision.files, revision.catalog))
    drafts: dict[str, _Draft] = {}
    for fact in (t for f in revision.files for t in f.tables):
        _define(drafts, canon(fact.name), fact)
    changes = [replace(c, table=canon(c.table)) for f in revision.files for c in f.schema_changes]
    renames = {c.at for c in changes if c.action in RENAMING_ACTIONS}
    for edge in (e for f in revision.files for e in f.edges):
        draft = drafts.get(canon(edge.target_table))
        # a rename's own edges (old -> new name) carry values, not a definition: the ALTER is applied below
        if draft is not None and edge.at not in renames:
            _fill(draft, edge, canon)
    for formula in (m for f in revision.files for m in f.formulas):
        draft = drafts.get(canon(formula.table))
        if draft is not None:
            _record(draft, formula)
    for change in changes:
        _alter(drafts, change, canon)
    _inherit_types(drafts)
    tables = tuple(drafts[name].freeze(name) for name in sorted(drafts))
    return Shapes(tables, tuple(c for c in changes if c.action == "rename_column"))


def _define(drafts: dict[str, _Draft], name: str, fact: TableFact) -> None:
    draft = drafts.setdefault(name, _Draft(fact.kind, fact.at))
    for column, type_ in fact.columns:
        draft.add(column, type_, fact.at)


def _fill(draft: _Draft, edge: ColumnEdge, canon: Canonicaliser) -> None:
    source: Source = (canon(edge.source_table) if edge.source_table else "", edge.source_column, edge.flow, edge.subtype)
    if edge.target_column is None:
        draft.rows.add(source)
    elif edge.target_column != STAR:
        draft.add(edge.target_column, None, edge.at)
        draft.sources[edge.target_column].add(source)


def _record(draft: _Draft, formula: Formula) -> None:
    if formula.column is None:
        draft.clauses.setdefault(formula.clause, []).append(formula.sql)
    elif formula.column in draft.types:
        draft.formulas.setdefault(formula.column, []).append(formula.sql)


def _inherit_types(drafts: dict[str, _Draft]) -> None:
    """A column that passes one column through unchanged has that column's declared type: a CAST
    over it later is then a retype (NUMERIC(8,3) to INTEGER), not a column of no known type."""
    for _ in range(len(drafts)):  # one more step down a chain of views per pass
        changed = False
        for draft in drafts.values():
            for column, type_ in draft.types.items():
                sources = draft.sources.get(column, set())
                if type_ is not None or len(sources) != 1:
                    continue
                table, name, flow, subtype = next(iter(sources))
                source = drafts.get(table)
                if flow is Flow.DIRECT and subtype is Subtype.IDENTITY and source is not None and source.types.get(name) is not None:
                    draft.types[column], changed = source.types[name], True
                    draft.inherited.add(column)
        if not changed:
            return


def _alter(drafts: dict[str, _Draft], change: SchemaChange, canon: Canonicaliser) -> None:
    if change.action == "swap_table" and change.new_name:  # each name now holds the other's columns
        pair = (change.table, canon(change.new_name))
        moved = {new: drafts.pop(old) for old, new in zip(pair, reversed(pair)) if old in drafts}
        drafts.update(moved)
        return
    draft = drafts.get(change.table)
    if draft is None:
        return
    if change.action == "rename_column" and change.new_name:
        draft.rename(change.column, change.new_name)
    elif change.action == "drop_column":
        draft.drop(change.column)
    elif change.action == "alter_type" and change.column in draft.types:
        draft.types[change.column] = change.new_name
    elif change.action == "add_column":
        draft.add(change.column, change.new_name, change.at)
    elif change.action == "rename_table" and change.new_name:
        drafts[canon(change.new_name)] = drafts.pop(change.table)


# -- paths ------------------------------------------------------------------------------------
def relocate(files: Sequence[FileFacts], catalog: Catalog | None, prefixes: Iterable[str]) -> tuple[tuple[FileFacts, ...], Catalog | None]:
    """Facts read from an exported copy of the repository, with paths made relative to the repository.

    `prefixes` are the ways the copy's root was shown (absolute, or relative to the working
    directory). A dashboard's SQL that was also scanned as a plain file is kept once, as the
    consumer's: a scan outside the working directory can see it under two spellings.
    """
    move = _Mover(tuple(sorted(set(prefixes), key=len, reverse=True)))
    moved_catalog = move.catalog(catalog) if catalog is not None else None
    consumer_sql = {c.sql for c in moved_catalog.consumers if c.sql} if moved_catalog else set()
    kept: dict[str, FileFacts] = {}
    for facts in files:
        moved = move.facts(facts)
        if moved.path in kept and moved.path in consumer_sql and (moved.edges or moved.tables):
            continue  # the plain scan of a dashboard's query: the consumer's entry stands for it
        kept[moved.path] = moved
    return tuple(kept[p] for p in sorted(kept)), moved_catalog


@dataclass(frozen=True, slots=True)
class _Mover:
    prefixes: tuple[str, ...]

    def path(self, path: str) -> str:
        for prefix in self.prefixes:
            if path == prefix:
                return "."
            if path.startswith(prefix.rstrip("/") + "/"):
                return path[len(prefix.rstrip("/")) + 1 :]
        return path

    def at(self, at: Location) -> Location:
        return replace(at, file=self.path(at.file))

    def text(self, text: str) -> str:
        for prefix in self.prefixes:
            text = text.replace(prefix.rstrip("/") + "/", "")
        return text

    def facts(self, facts: FileFacts) -> FileFacts:
        return replace(
            facts,
            path=self.path(facts.path),
            edges=tuple(replace(e, at=self.at(e.at)) for e in facts.edges),
            tables=tuple(replace(t, at=self.at(t.at)) for t in facts.tables),
            schema_changes=tuple(replace(c, at=self.at(c.at)) for c in facts.schema_changes),
            formulas=tuple(replace(f, at=self.at(f.at)) for f in facts.formulas),
            diagnostics=tuple(replace(d, at=self.at(d.at), message=self.text(d.message)) for d in facts.diagnostics),
        )

    def catalog(self, catalog: Catalog) -> Catalog:
        tables = tuple(replace(t, at=self.at(t.at) if t.at else None) for t in catalog.tables)
        contracts = tuple(self.contract(c) for c in catalog.contracts)
        return replace(catalog, path=self.path(catalog.path), tables=tables, consumers=tuple(self.consumer(c) for c in catalog.consumers), contracts=contracts)

    def contract(self, contract: DeclaredContract) -> DeclaredContract:
        columns = tuple(replace(c, at=self.at(c.at) if c.at else None) for c in contract.columns)
        return replace(contract, columns=columns, at=self.at(contract.at) if contract.at else None)

    def consumer(self, consumer: Consumer) -> Consumer:
        return replace(
            consumer,
            sql=self.path(consumer.sql) if consumer.sql else "",
            reads=tuple(replace(e, at=self.at(e.at)) for e in consumer.reads),
            at=self.at(consumer.at) if consumer.at else None,
            columns_at=tuple(self.at(at) for at in consumer.columns_at),
        )

    def diagnostic(self, diagnostic: Diagnostic) -> Diagnostic:
        return replace(diagnostic, at=self.at(diagnostic.at), message=self.text(diagnostic.message))


def relocate_diagnostic(diagnostic: Diagnostic, prefixes: Iterable[str]) -> Diagnostic:
    """A problem found in an exported copy, pointing at the repository's file instead."""
    return _Mover(tuple(sorted(set(prefixes), key=len, reverse=True))).diagnostic(diagnostic)

