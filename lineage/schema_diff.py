"""Comparing the tables and views two revisions define: what was added, removed, renamed, retyped or recomputed.

A column counts as renamed when an `ALTER TABLE ... RENAME COLUMN` new in the later revision says
so, or when a removed and an added column of one table have the same inputs and transformations
(a DDL column, which has no inputs: the same type at the same position). A table counts as
renamed when an added table has the same columns and inputs, or is a versioned replacement
(`orders` -> `orders_v2`). Renames found upstream are applied before comparing inputs downstream,
so renaming `app.orders.order_value` does not make every reader of it look recomputed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TypeVar

from lineage.contracts import versioned_replacement
from lineage.model import Flow, Location, SchemaChange, Subtype
from lineage.revision import ColumnShape, Shapes, Source, TableShape

_T = TypeVar("_T")


class DiffKind(StrEnum):
    TABLE_ADDED = "table_added"
    TABLE_REMOVED = "table_removed"
    TABLE_RENAMED = "table_renamed"
    COLUMN_ADDED = "column_added"
    COLUMN_REMOVED = "column_removed"
    COLUMN_RENAMED = "column_renamed"
    COLUMN_RETYPED = "column_retyped"
    EXPRESSION_CHANGED = "expression_changed"  # same column, other inputs or transformations
    ROWS_CHANGED = "rows_changed"  # other joins, filters, grouping or sorting


@dataclass(frozen=True, slots=True)
class Delta:
    """One difference between the revisions; names are the old revision's, `new_name` the new one."""

    kind: DiffKind
    table: str
    column: str = ""
    new_name: str = ""  # renamed: the new table or column name
    old_type: str = ""
    new_type: str = ""
    evidence: str = ""  # why it is a rename, or how the inputs changed
    base_at: Location | None = None
    head_at: Location | None = None
    mapping: tuple[tuple[str, str], ...] = ()  # a renamed table's old column -> new column; "" for none
    clause: str = ""  # rows changed: which clause ("join", "where", "where in recent", ...)
    before: str = ""  # computed or chosen differently: the old SQL, as canonical formula (parsers.sql.formulas)
    after: str = ""  # ... and the new

    @property
    def subject(self) -> str:
        return f"{self.table}.{self.column}" if self.column else self.table


@dataclass(frozen=True, slots=True, order=True)
class TablePair:
    table: str
    new_table: str
    evidence: str  # "" when the name is unchanged


@dataclass(frozen=True, slots=True, order=True)
class ColumnPair:
    table: str
    column: str
    new_table: str
    new_column: str
    evidence: str


class _Matcher:
    """Pairs old and new tables and columns until nothing new pairs: a rename upstream can reveal one downstream."""

    def __init__(self, base: Shapes, head: Shapes) -> None:
        self.base = {t.name: t for t in base.tables}
        self.head = {t.name: t for t in head.tables}
        self.explicit = _new_renames(base.renames, head.renames)
        self.tables = {n: TablePair(n, n, "") for n in self.base if n in self.head}
        self.columns: dict[tuple[str, str], ColumnPair] = {}
        self.taken: set[tuple[str, str]] = set()  # (new table, new column) already paired

    def run(self) -> None:
        for _ in range(len(self.base) + 2):
            before = (len(self.tables), len(self.columns))
            self._pair_tables()
            for pair in list(self.tables.values()):
                self._pair_columns(pair)
            if (len(self.tables), len(self.columns)) == before:
                return

    def translate(self, source: Source) -> Source:
        table, column, flow, subtype = source
        pair = self.columns.get((table, column))
        if pair is not None:
            return (pair.new_table, pair.new_column, flow, subtype)
        renamed = self.tables.get(table)
        return (renamed.new_table, column, flow, subtype) if renamed is not None else source

    def same_inputs(self, old: frozenset[Source], new: frozenset[Source]) -> bool:
        # a reader left unchanged still names the old column: literally equal is unchanged too
        return old == new or frozenset(map(self.translate, old)) == new

    def same_formulas(self, old: tuple[str, ...], new: tuple[str, ...], sources: frozenset[Source]) -> bool:
        # as for inputs: a reader left unchanged still names the old column
        return old == new or self.rewritten(old, sources) == new

    def rewritten(self, texts: tuple[str, ...], sources: frozenset[Source]) -> tuple[str, ...]:
        """Old formulas with the columns they read renamed as the new revision names them: a reader
        updated for a rename upstream is not computed differently."""
        moves = {}
        for table, column, _, _ in sources:
            new_table, new_column, _, _ = self.translate((table, column, Flow.DIRECT, Subtype.IDENTITY))
            if table and (new_table, new_column) != (table, column):
                moves[f"{table}.{column}"] = f"{new_table}.{new_column}"
        tables = {p.table: p.new_table for p in self.tables.values() if p.new_table != p.table}
        for mapping in (moves, tables):  # columns first: they name their table's old name
            if mapping:
                pattern = re.compile(r"(?<![\w.])(" + "|".join(re.escape(m) for m in sorted(mapping, key=len, reverse=True)) + r")(?!\w)")
                texts = tuple(pattern.sub(lambda m: mapping[m.group(1)], text) for text in texts)
        return texts

    def _pair_tables(self) -> None:
        taken = {p.new_table for p in self.tables.values()}
        old = [n for n in self.base if n not in self.tables]
        new = [n for n in self.head if n not in taken]
        for name, match in _unique(old, new, self._same_table):
            self.tables[name] = TablePair(name, match, "same columns and inputs")
        for name in (n for n in old if n not in self.tables):
            taken = {p.new_table for p in self.tables.values()}
            replacement = versioned_replacement(name, [n for n in new if n not in taken])
            if replacement:
                self.tables[name] = TablePair(name, replacement, "versioned replacement")

    def _same_table(self, old: str, new: str) -> bool:
        a, b = self.base[old], self.head[new]
        if a.kind is not b.kind or [c.name for c in a.columns] != [c.name for c in b.columns] or not a.columns:
            return False
        pairs = zip(a.columns, b.columns)
        return all(_same_type(x.type, y.type) and self.same_inputs(x.sources, y.sources) for x, y in pairs) and self.same_inputs(a.rows, b.rows)

    def _pair_columns(self, pair: TablePair) -> None:
        a, b = self.base[pair.table], self.head[pair.new_table]
        for column in a.columns:
            if (a.name, column.name) not in self.columns and self._free(b, column.name):
                self._pair(a, column.name, b, column.name, "")
        for column in a.columns:
            renamed = self.explicit.get((b.name, column.name))
            if (a.name, column.name) not in self.columns and renamed is not None and self._free(b, renamed[0]):
                self._pair(a, column.name, b, renamed[0], renamed[1])
        old = [c for c in a.columns if (a.name, c.name) not in self.columns]
        new = [c for c in b.columns if self._free(b, c.name)]
        for x, y in _unique(old, new, self._same_column):
            self._pair(a, x.name, b, y.name, "same inputs and transformations" if x.sources else "same type and position")

    def _free(self, table: TableShape, column: str) -> bool:
        return (table.name, column) not in self.taken and table.column(column) is not None

    def _pair(self, a: TableShape, column: str, b: TableShape, new_column: str, evidence: str) -> None:
        self.columns[(a.name, column)] = ColumnPair(a.name, column, b.name, new_column, evidence)
        self.taken.add((b.name, new_column))

    def _same_column(self, old: ColumnShape, new: ColumnShape) -> bool:
        if old.sources or new.sources:
            return bool(old.sources) and _same_type(old.type, new.type) and self.same_inputs(old.sources, new.sources)
        return old.type is not None and _same_type(old.type, new.type) and old.position == new.position


def _new_renames(base: Sequence[SchemaChange], head: Sequence[SchemaChange]) -> dict[tuple[str, str], tuple[str, str]]:
    """`ALTER TABLE ... RENAME COLUMN` statements only the new revision has: (table, old) -> (new, evidence)."""
    seen = {(c.table, c.column, c.new_name) for c in base}
    return {
        (c.table, c.column): (c.new_name or "", f"ALTER TABLE ... RENAME COLUMN at {c.at}")
        for c in head
        if (c.table, c.column, c.new_name) not in seen and c.new_name
    }


def _unique(old: Sequence[_T], new: Sequence[_T], same: Callable[[_T, _T], bool]) -> list[tuple[_T, _T]]:
    """Pairs that match each other and nothing else: an ambiguous match is never a rename."""
    matches = [(x, y) for x in old for y in new if same(x, y)]
    return [(x, y) for x, y in matches if sum(1 for m in matches if m[0] == x) == 1 and sum(1 for m in matches if m[1] == y) == 1]


def _same_type(old: str | None, new: str | None) -> bool:
    return old is None or new is None or _norm_type(old) == _norm_type(new)


def _norm_type(text: str) -> str:
    return re.sub(r"\s+", "", text).upper()


def compare(base: Shapes, head: Shapes) -> tuple[Delta, ...]:
    """Every difference between the tables and views of two revisions, sorted by table and column."""
    matcher = _Matcher(base, head)
    matcher.run()
    deltas: list[Delta] = []
    paired_new = {p.new_table for p in matcher.tables.values()}
    deltas += [Delta(DiffKind.TABLE_REMOVED, n, base_at=t.at) for n, t in matcher.base.items() if n not in matcher.tables]
    deltas += [Delta(DiffKind.TABLE_ADDED, n, head_at=t.at) for n, t in matcher.head.items() if n not in paired_new]
    for pair in matcher.tables.values():
        a, b = matcher.base[pair.table], matcher.head[pair.new_table]
        if pair.new_table != pair.table:
            deltas.append(Delta(DiffKind.TABLE_RENAMED, a.name, new_name=b.name, evidence=pair.evidence, base_at=a.at, head_at=b.at, mapping=_mapping(matcher, a, b)))
        else:
            deltas += _column_deltas(matcher, a, b)
    return tuple(sorted(deltas, key=lambda d: (d.table, d.column, d.kind)))


def table_mapping(old: TableShape, new: TableShape) -> tuple[tuple[str, str], ...]:
    """Old column -> new column between a table and its replacement, paired as a rename would be."""
    matcher = _Matcher(Shapes((old,), ()), Shapes((replace(new, name=old.name),), ()))
    matcher.run()
    return _mapping(matcher, old, matcher.head[old.name])


def _mapping(matcher: _Matcher, a: TableShape, b: TableShape) -> tuple[tuple[str, str], ...]:
    pairs = {c.name: matcher.columns[(a.name, c.name)].new_column for c in a.columns if (a.name, c.name) in matcher.columns}
    mapped = set(pairs.values())
    return tuple((c.name, pairs.get(c.name, "")) for c in a.columns) + tuple(("", c.name) for c in b.columns if c.name not in mapped)


def _column_deltas(matcher: _Matcher, a: TableShape, b: TableShape) -> list[Delta]:
    out: list[Delta] = []
    for old in a.columns:
        pair = matcher.columns.get((a.name, old.name))
        if pair is None:
            out.append(Delta(DiffKind.COLUMN_REMOVED, a.name, old.name, old_type=old.type or "", base_at=old.at))
            continue
        new = b.column(pair.new_column)
        assert new is not None
        out += _paired_deltas(matcher, a.name, old, new, pair.evidence)
    for new in b.columns:
        if (b.name, new.name) not in matcher.taken:
            out.append(Delta(DiffKind.COLUMN_ADDED, b.name, new.name, new_type=new.type or "", head_at=new.at))
    if a.clauses or b.clauses:  # the clauses themselves say what decides the rows
        out += _clause_deltas(matcher, a, b)
    elif not matcher.same_inputs(a.rows, b.rows):
        out.append(Delta(DiffKind.ROWS_CHANGED, a.name, evidence=describe_inputs(frozenset(map(matcher.translate, a.rows)), b.rows), base_at=a.at, head_at=b.at))
    return out


def _clause_deltas(matcher: _Matcher, a: TableShape, b: TableShape) -> list[Delta]:
    """One ROWS_CHANGED per clause whose SQL differs, with the old and the new text."""
    out = []
    for clause in sorted({k for k, _ in a.clauses} | {k for k, _ in b.clauses}):
        if not matcher.same_formulas(a.clause(clause), b.clause(clause), a.rows):
            how = describe_inputs(frozenset(map(matcher.translate, a.rows)), b.rows)
            out.append(Delta(DiffKind.ROWS_CHANGED, a.name, evidence=how, base_at=a.at, head_at=b.at, clause=clause, before="; ".join(a.clause(clause)), after="; ".join(b.clause(clause))))
    return out


def _paired_deltas(matcher: _Matcher, table: str, old: ColumnShape, new: ColumnShape, evidence: str) -> list[Delta]:
    same = Delta(DiffKind.COLUMN_RENAMED, table, old.name, old_type=old.type or "", new_type=new.type or "", base_at=old.at, head_at=new.at)
    if old.name != new.name:
        return [replace(same, new_name=new.name, evidence=evidence)]
    out = []
    if old.type and new.type and not _same_type(old.type, new.type):
        out.append(replace(same, kind=DiffKind.COLUMN_RETYPED))
    before, after = _typed(old, new), _typed(new, old)
    if old.formula and new.formula:  # the formulas say how it is computed; a CAST alone is the retype above
        changed = not matcher.same_formulas(before, after, old.sources)
    else:
        changed = not matcher.same_inputs(old.sources, new.sources)
    if changed:
        how = describe_inputs(frozenset(map(matcher.translate, old.sources)), new.sources)
        out.append(replace(same, kind=DiffKind.EXPRESSION_CHANGED, evidence=how, before="; ".join(before), after="; ".join(after)))
    return out


def _typed(column: ColumnShape, other: ColumnShape) -> tuple[str, ...]:
    """The formulas of `column`, each in its CAST when only this side's type is known: a CAST added
    over a column of unknown type is no retype that can be told, so it is a change of formula."""
    if column.type is None or other.type is not None or column.inherited:
        return column.formula
    return tuple(f"CAST({text} AS {column.type})" for text in column.formula)


def describe_inputs(old: frozenset[Source], new: frozenset[Source]) -> str:
    """`now reads t.a (direct/identity); no longer reads t.b; t.c: direct/identity -> direct/aggregation`."""
    before = _by_column(old)
    after = _by_column(new)
    parts: list[str] = []
    for key in sorted(before.keys() | after.keys()):
        name = ".".join(p for p in key if p)
        if key not in before:
            parts.append(f"now reads {name} ({', '.join(after[key])})")
        elif key not in after:
            parts.append(f"no longer reads {name}")
        elif before[key] != after[key]:
            parts.append(f"{name}: {', '.join(before[key])} -> {', '.join(after[key])}")
    return "; ".join(parts)


def _by_column(sources: frozenset[Source]) -> dict[tuple[str, str], list[str]]:
    out: dict[tuple[str, str], list[str]] = {}
    for table, column, flow, subtype in sorted(sources):
        out.setdefault((table, column), []).append(f"{flow}/{subtype}")
    return out
