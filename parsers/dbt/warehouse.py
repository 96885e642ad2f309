"""The warehouse a dbt macro asks, answered from what the scan itself knows.

`adapter.get_columns_in_relation()`, `get_relation()`, `run_query()` and `statement()` reach a live
warehouse in dbt. Here they are answered, in dependency order, from the project: a source's or
model's declared columns, a seed's CSV (header and rows), and an upstream model's output columns as
extraction finds them. What cannot be answered is a warning at the calling line, and the macro gets
an empty answer (never made-up columns).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import sqlglot
from sqlglot import exp

Columns = list[tuple[str, str | None]]
UNRESOLVED_COLUMNS = "unresolved_columns"  # the one column of a relation whose columns the scan does not know
Note = Callable[[str], None]  # a warning at the template line being rendered


class Relation(Mapping[str, object]):
    """What ref(), source() and `this` render as: the relation's SQL name. A mapping with dbt's
    `metadata.type` too, as dbt's relations are: package macros test `obj is mapping` for that."""

    def __init__(self, text: str, schema: str = "", identifier: str = "", database: str = "", is_cte: bool = False) -> None:
        self.text, self.schema, self.identifier, self.database = text, schema, identifier, database
        self.name = self.table = identifier
        self.is_cte = is_cte
        self.type = "cte" if is_cte else "table"
        self._fields: dict[str, object] = {"metadata": {"type": "BaseRelation"}, "path": {"database": database, "schema": schema, "identifier": identifier}, "type": self.type}

    @classmethod
    def named(cls, text: str, identifier: str) -> Relation:
        """`schema.alias` as written by relation_sql, its parts kept for macros that read them."""
        schema = text.rpartition(".")[0].strip('"')
        return cls(text, schema, identifier)

    def __getitem__(self, key: str) -> object:
        return self._fields[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def __str__(self) -> str:
        return self.text

    def __html__(self) -> str:
        return self.text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Relation) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)

    def include(self, *args: object, **kwargs: object) -> Relation:
        return self

    incorporate = quote = without_identifier = include

    def render(self) -> str:
        return self.text

    @property
    def is_table(self) -> bool:
        return not self.is_cte

    is_view = False


@dataclass(frozen=True)
class Column:
    """dbt's Column as macros read it: `column.name`, `.column`, `.quoted`, `.data_type`."""

    name: str
    data_type: str = "varchar"  # a type the scan does not know: macros cast to it; lineage does not depend on it

    @property
    def column(self) -> str:
        return self.name

    @property
    def quoted(self) -> str:
        return f'"{self.name}"'

    @property
    def dtype(self) -> str:
        return self.data_type

    def string_size(self) -> int:
        return 0  # not known: dbt_utils.union_relations keeps the first type it sees
    def is_string(self) -> bool:
        return any(t in self.data_type.lower() for t in ("char", "text", "string"))

    def is_number(self) -> bool:
        return any(t in self.data_type.lower() for t in ("int", "numeric", "decimal", "float", "double", "number"))


class _Values:
    def __init__(self, values: list[object]) -> None:
        self._values = values

    def values(self) -> list[object]:
        return list(self._values)


class Row(tuple):  # type: ignore[type-arg]
    """An agate row: by position, and by column name as an attribute (`row.table_name`)."""

    names: tuple[str, ...] = ()

    def __getattr__(self, name: str) -> object:
        if name in type(self).names:
            return self[type(self).names.index(name)]
        raise AttributeError(name)

    def dict(self) -> dict[str, object]:
        return dict(zip(type(self).names, self))

    def __getitem__(self, key: object) -> object:  # type: ignore[override]
        if isinstance(key, str):
            if key not in type(self).names:
                raise KeyError(key)  # what Jinja expects before it tries the attribute
            key = type(self).names.index(key)
        return tuple.__getitem__(self, key)  # type: ignore[call-overload]


class Unresolved(str):
    """The value of a query the scan cannot answer: SQL built from it names it (`unresolved_run_query`),
    and a macro that counts with it (`n <= 0`, `range(n)`, `n + 1`: dbt_utils.date_spine's interval
    count) goes on as with 1, since the SQL's shape, not the count, is what lineage reads."""

    def _number(self, other: object) -> bool:
        return isinstance(other, (int, float)) and not isinstance(other, bool)

    def __index__(self) -> int:
        return 1

    def __int__(self) -> int:
        return 1

    def __lt__(self, other: object) -> bool:
        return 1 < other if self._number(other) else str.__lt__(self, other)  # type: ignore[operator, arg-type]

    def __le__(self, other: object) -> bool:
        return 1 <= other if self._number(other) else str.__le__(self, other)  # type: ignore[operator, arg-type]

    def __gt__(self, other: object) -> bool:
        return 1 > other if self._number(other) else str.__gt__(self, other)  # type: ignore[operator, arg-type]

    def __ge__(self, other: object) -> bool:
        return 1 >= other if self._number(other) else str.__ge__(self, other)  # type: ignore[operator, arg-type]

    def __add__(self, other: object) -> object:
        return 1 + other if self._number(other) else str.__add__(self, other)  # type: ignore[operator, arg-type]

    def __sub__(self, other: object) -> object:
        return 1 - other if self._number(other) else NotImplemented  # type: ignore[operator]

    __hash__ = str.__hash__


class Table:
    """An agate table as `run_query()` returns it: `.columns[0].values()`, `.rows`, iteration."""

    def __init__(self, names: Sequence[str], rows: Sequence[tuple[object, ...]]) -> None:
        self.column_names = list(names)
        row = type("Row", (Row,), {"names": tuple(self.column_names)})
        self.rows = [row(r) for r in rows]
        self.columns = [_Values([r[i] for r in self.rows]) for i in range(len(self.column_names))]

    def __iter__(self) -> Iterator[tuple[object, ...]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class Knowledge:
    """What the project tells about a relation: `columns(relation)` and a seed's `rows(relation)`
    (None when unknown); `relations()` lists every relation of the project."""

    columns: Callable[[Relation], Columns | None]
    rows: Callable[[Relation], list[dict[str, str]] | None]
    relations: Callable[[], list[Relation]]


class Warehouse:
    """Answers of one project's introspection; `note` reports what it cannot answer."""

    def __init__(self, knowledge: Knowledge, dialect: str | None) -> None:
        self.knowledge, self.dialect = knowledge, dialect
        self.results: dict[str, dict[str, object]] = {}  # statement name -> load_result() value
        self.live = False  # dbt's parse pass has no warehouse either: macros asking it get nothing, silently

    def get_columns_in_relation(self, relation: object, note: Note) -> list[Column]:
        if not self.live:
            return []
        columns = self.known_columns(relation, note)
        if columns is None:  # one column that says so: an empty list would render `select  from x`, unseen
            return [Column(UNRESOLVED_COLUMNS)]
        return columns

    def known_columns(self, relation: object, note: Note) -> list[Column] | None:
        """The relation's columns, or None (and a warning) when the scan does not know them."""
        if not self.live:
            return []
        columns = self.knowledge.columns(relation) if isinstance(relation, Relation) else None
        if columns is None:
            note(f"columns of {relation} are not known to the scan (no declared columns, DDL or upstream model)")
            return None
        return [Column(name, kind or "varchar") for name, kind in columns]

    def get_relation(self, database: object = None, schema: object = None, identifier: object = None) -> Relation | None:
        for relation in self.knowledge.relations():
            if (relation.schema.lower(), relation.identifier.lower()) == (str(schema).lower(), str(identifier).lower()):
                return relation
        return None

    def relations_like(self, schema: str, table: str, exclude: str = "") -> list[Relation]:
        """Relations whose schema and name match SQL LIKE patterns, as information_schema answers."""

        def like(pattern: str, text: str) -> bool:
            return fnmatch.fnmatchcase(text.lower(), pattern.lower().replace("%", "*").replace("_", "?"))

        if not self.live:  # relations are named once the parse pass is over
            return []
        found = [r for r in self.knowledge.relations() if like(schema, r.schema) and like(table, r.identifier)]
        return sorted((r for r in found if not (exclude and like(exclude, r.identifier))), key=lambda r: r.text)

    def run_query(self, sql: object, note: Note) -> Table:
        """`select [distinct] <column> from <seed> [group by] [order by] [limit]`: the seed's data;
        information_schema.tables: the project's relations. Anything else is reported, and answered
        with one row of `unresolved_run_query` per selected column: the macro goes on, and what it
        builds from the answer says it is not known (no rows could fail it, or drop SQL unseen)."""
        if not self.live:
            return Table(["value"], [])
        answer = self.answer(str(sql))
        if answer is None:
            note(f"run_query: the scan cannot answer `{' '.join(str(sql).split())[:120]}` without a warehouse: rendered with the value 'unresolved_run_query'")
            names = _selected(str(sql), self.dialect)
            return Table(names, [tuple(Unresolved("unresolved_run_query") for _ in names)])
        return answer

    def statement(self, name: str, fetch: bool, sql: str, note: Note) -> str:
        table = self.run_query(sql, note) if fetch else Table([], [])
        self.results[name] = {"data": list(table.rows), "table": table, "response": None}
        return ""

    def answer(self, sql: str) -> Table | None:
        """The rows of `sql` when the project holds them, else None."""
        try:
            tree = sqlglot.parse_one(sql, dialect=self.dialect)
        except sqlglot.errors.ParseError:
            return None
        source = tree.find(exp.Table) if isinstance(tree, exp.Select) else None
        if source is not None and (source.db.lower(), source.name.lower()) == ("information_schema", "tables"):
            return self._tables(tree)
        if source is None or len(tree.expressions) != 1 or tree.args.get("joins") or tree.args.get("where"):
            return None
        column = tree.expressions[0].unalias()
        rows = self.knowledge.rows(Relation(exp.table_(source.name, db=source.db or None).sql(), source.db, source.name)) if isinstance(column, exp.Column) else None
        if rows is None:
            return None
        values = [r.get(column.name.lower()) for r in rows]
        if tree.args.get("distinct") or tree.args.get("group"):
            counts = {v: values.count(v) for v in values}
            values = sorted(counts, key=lambda v: (-counts[v], str(v))) if "count" in str(tree.args.get("order") or "").lower() else list(counts)
        if tree.args.get("order") and "count" not in str(tree.args["order"]).lower():
            values = sorted(values, key=str, reverse=bool(tree.args["order"].expressions[0].args.get("desc")))
        limit = tree.args.get("limit")
        if limit is not None and isinstance(limit.expression, exp.Literal):
            values = values[: int(limit.expression.this)]
        return Table([tree.expressions[0].alias_or_name], [(v,) for v in values])

    def _tables(self, tree: exp.Select) -> Table:
        """information_schema.tables, as the project's relations: what `get_relations_by_pattern`
        and the macros modelled on it ask. Name patterns (LIKE, ILIKE) filter; other conditions
        (row counts) are data the scan does not have, and pass."""
        facts = {"table_schema": lambda r: r.schema, "table_name": lambda r: r.identifier, "table_type": lambda r: "BASE TABLE", "table_catalog": lambda r: r.database, "table_database": lambda r: r.database}
        kept = [r for r in self.knowledge.relations() if _matches(tree.args.get("where"), {k: f(r) for k, f in facts.items()})]
        names = [e.alias_or_name.lower() for e in tree.expressions]
        return Table(names, [tuple(facts.get(_source_name(e), lambda r: None)(r) for e in tree.expressions) for r in sorted(kept, key=lambda r: r.text)])


def _source_name(projection: exp.Expression) -> str:
    column = projection.unalias() if isinstance(projection, exp.Alias) else projection
    return column.name.lower() if isinstance(column, exp.Column) else projection.alias_or_name.lower()


def _matches(where: exp.Expression | None, row: Mapping[str, str]) -> bool:
    if where is None:
        return True
    condition = where.this if isinstance(where, exp.Where) else where
    if isinstance(condition, exp.And):
        return _matches(condition.left, row) and _matches(condition.right, row)
    if isinstance(condition, exp.Not):
        inner = condition.this
        return not _matches(inner, row) if isinstance(inner, (exp.Like, exp.ILike)) else True
    if isinstance(condition, (exp.Like, exp.ILike)) and isinstance(condition.this, exp.Column) and isinstance(condition.expression, exp.Literal):
        value = str(row.get(condition.this.name.lower()) or "")
        pattern = condition.expression.this.lower().replace("%", "*").replace("_", "?")
        return fnmatch.fnmatchcase(value.lower(), pattern)
    return True  # not a name pattern: data the scan does not have


def _selected(sql: str, dialect: str | None) -> list[str]:
    """The names a query selects (`value` when it cannot be told), for `row.<name>` in macros."""
    try:
        tree = sqlglot.parse_one(sql, dialect=dialect)
    except sqlglot.errors.ParseError:
        return ["value"]
    names = [e.alias_or_name.lower() for e in tree.expressions] if isinstance(tree, exp.Select) else []
    return [n for n in names if n and n != "*"] or ["value"]
