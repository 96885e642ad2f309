"""What a statement writes: its target relation, target columns, and the query whose outputs fill them.

MERGE and UPDATE are rewritten into an equivalent SELECT (one projection per assigned column, the
same FROM/JOIN/WHERE), so that one tracer handles every kind of write the same way. The rewrite
costs the statement's size once: a MERGE's WHEN condition is in the query once, however many columns
it guards.
"""

from __future__ import annotations

from collections.abc import Callable
import re
from dataclasses import dataclass
from functools import reduce
from typing import Final

from sqlglot import exp
from sqlglot.errors import UnsupportedError

from lineage.model import TableKind
from parsers.sql.assignments import assigned_value, set_pairs
from parsers.sql.budget import Deadline
from parsers.sql.scope_parts import MERGE_CONDITION, MERGE_WHEN, table_name

# A WHEN clause's condition decides whether each column the clause assigns is written: one
# conditional edge per condition column and assigned column. The common change-detection merge
# (`WHEN MATCHED AND (t.a <> s.a OR t.b <> s.b ...) THEN UPDATE SET a = s.a, b = s.b ...`) would
# make columns x columns of them (200 million at 10,000 columns); past this many, its condition is
# recorded once as a filter of the target, which impact analysis follows to every column of it.
MAX_CONDITION_EDGES: Final = 10_000


@dataclass(frozen=True, slots=True)
class Write:
    target: str  # "" for a bare SELECT (named after the file later)
    query: exp.Expr | None = None
    columns: list[str] | None = None  # explicit target columns, in output order
    positional: bool = False  # without explicit columns, outputs fill the target's columns in order
    defines: TableKind | None = None  # CREATE ... AS defines the target's columns
    ddl_columns: list[tuple[str, str | None]] | None = None  # CREATE TABLE (col type, ...)
    hidden: int = 0  # the query's last outputs are read by the others (a MERGE condition), not written
    # UPDATE / MERGE: the query's projections are `SET c = v` assignments, which read the row as it was
    # before any of them, so their names are no aliases the query can name
    assigns: bool = False
    notes: tuple[str, ...] = ()  # how the write was read where the SQL alone does not say (warnings)
    # Hive's / Spark's `INSERT ... PARTITION (dt = '2024-01-01')`: columns given a constant, which the
    # query's outputs skip when they fill the target's columns in order
    static: tuple[str, ...] = ()


ColumnsOf = Callable[[str], "list[str] | None"]  # a table's known columns, in order


def write_of(statement: exp.Expr, deadline: Deadline, columns_of: ColumnsOf = lambda _: None) -> Write | None:
    if isinstance(statement, exp.Create):
        return _create(statement)
    if isinstance(statement, exp.Insert):
        return _insert(statement)
    if isinstance(statement, exp.Merge):
        return _merge(statement, deadline, columns_of)
    if isinstance(statement, exp.Update):
        return _update(statement)
    if isinstance(statement, exp.Delete):
        return _delete(statement)
    if isinstance(statement, exp.Copy):
        return _unload(statement)
    if isinstance(statement, exp.Export) and isinstance(statement.this, exp.Query):
        # BigQuery's `EXPORT DATA OPTIONS (...) AS SELECT ...` (and Redshift's UNLOAD, see reparse.py):
        # the rows leave for files, read as a bare SELECT is
        return Write("", statement.this)
    if isinstance(statement, exp.Cache) and isinstance(statement.expression, exp.Query):
        # Spark's `CACHE [LAZY] TABLE t AS SELECT ...`: a temporary view t over the query
        return Write(table_name(statement.this), statement.expression, defines=TableKind.VIEW)
    if isinstance(statement, exp.Command):
        return _append(statement)
    if isinstance(statement, exp.Select) and isinstance(statement.args.get("into"), exp.Into):
        return _select_into(statement)
    if isinstance(statement, exp.Query):
        return Write("", statement)
    return None


def _target(node: exp.Expr) -> tuple[str, list[str] | None]:
    """`t` or `t (a, b)` -> ("t", ["a", "b"])."""
    if isinstance(node, exp.Schema):
        names = [c.name for c in node.expressions if isinstance(c, (exp.Identifier, exp.Column, exp.ColumnDef))]
        assert isinstance(node.this, exp.Table)
        return table_name(node.this), names or None
    assert isinstance(node, exp.Table)
    return table_name(node), None


def _create(statement: exp.Create) -> Write | None:
    kind = str(statement.args.get("kind") or "").upper()
    if kind not in ("TABLE", "VIEW"):
        return None
    target, columns = _target(statement.this)
    query = statement.expression
    if isinstance(query, exp.Query):
        defines = TableKind.VIEW if kind == "VIEW" else TableKind.TABLE
        return Write(target, query, columns, defines=defines)
    definitions = statement.this.expressions if isinstance(statement.this, exp.Schema) else []
    copied = _copied_table(statement, definitions)
    if copied is not None:  # t takes s's columns: as `CREATE TABLE t AS SELECT * FROM s` traces them
        return Write(target, exp.select("*").from_(copied.copy()), defines=TableKind.TABLE)
    ddl = [(c.name, c.args["kind"].sql() if c.args.get("kind") else None) for c in [*definitions, *_partition_columns(statement)] if isinstance(c, exp.ColumnDef)]
    return Write(target, ddl_columns=ddl)


def _partition_columns(statement: exp.Create) -> list[exp.ColumnDef]:
    """Hive's `PARTITIONED BY (dt STRING)` declares columns the list before it does not name: they follow it
    (`SELECT *` ends with them). A partitioning by columns the list names (`PARTITIONED BY (dt)`) adds none."""
    properties = statement.args.get("properties")
    found = properties.find(exp.PartitionedByProperty) if properties is not None else None
    schema = found.this if found is not None else None
    return [c for c in schema.expressions if isinstance(c, exp.ColumnDef) and c.args.get("kind") is not None] if isinstance(schema, exp.Schema) else []


def _copied_table(statement: exp.Create, definitions: list[exp.Expr]) -> exp.Table | None:
    """The s of `CREATE TABLE t LIKE s` (Snowflake, Spark, MySQL; Postgres's `(LIKE s)`), `CLONE s`
    (Snowflake, BigQuery), `COPY s` (BigQuery) or Postgres's `PARTITION OF s` (a partition has its
    parent's columns: renaming one renames the other, so impact on s's column reaches t's readers)."""
    clone = statement.args.get("clone")
    properties = statement.args.get("properties")
    likes = [*definitions, *(properties.expressions if isinstance(properties, exp.Properties) else ())]
    sources = [clone.this if isinstance(clone, exp.Clone) else None, *(p.this for p in likes if isinstance(p, (exp.LikeProperty, exp.PartitionedOfProperty)))]
    return next((s for s in sources if isinstance(s, exp.Table)), None)


def _unload(statement: exp.Copy) -> Write | None:
    """`COPY INTO @stage FROM (SELECT ...)` (Snowflake), `COPY (SELECT ...) TO 'file'` (Postgres): the
    query's rows leave for files outside the warehouse, read as a bare SELECT is. A load has no query."""
    queries = [n.this for n in [statement.this, *(statement.args.get("files") or ())] if isinstance(n, exp.Subquery)]
    return Write("", queries[0]) if queries and isinstance(queries[0], exp.Query) else None


def is_temporary(statement: exp.Expr) -> bool:
    """`CREATE TEMP[ORARY] TABLE|VIEW` (Postgres, Snowflake, BigQuery scripts, Spark's temporary views):
    a table of the session that makes it, which the graph keeps to its file (lineage.graph)."""
    properties = statement.args.get("properties") if isinstance(statement, exp.Create) else None
    return isinstance(properties, exp.Properties) and any(isinstance(p, exp.TemporaryProperty) for p in properties.expressions)


def loaded_table(statement: exp.Expr) -> str | None:
    """The table a COPY / LOAD DATA fills from files (Snowflake, Redshift, Postgres, BigQuery)."""
    if isinstance(statement, exp.Copy) and isinstance(statement.this, exp.Table) and not statement.this.name.startswith("@"):
        return table_name(statement.this)
    if isinstance(statement, exp.LoadData) and isinstance(statement.this, exp.Table):
        return table_name(statement.this)
    return None


def _select_into(statement: exp.Select) -> Write | None:
    """T-SQL / Postgres `SELECT ... INTO t FROM ...` creates t from the query."""
    into = statement.args["into"]
    if not isinstance(into.this, exp.Table):
        return None
    name = table_name(into.this)
    query = statement.copy()
    query.set("into", None)
    return Write(name, query, defines=TableKind.TABLE)


def _insert(statement: exp.Insert) -> Write | None:
    query = statement.expression
    source = statement.args.get("source")
    if query is None and isinstance(source, exp.Table):  # Spark's `INSERT INTO t TABLE s`: every row of s
        query = exp.select("*").from_(source.copy())
    if isinstance(query, exp.Values):
        query = _queried_values(query)
    if isinstance(statement.this, exp.Directory) and isinstance(query, exp.Query):
        # Hive's / Spark's `INSERT OVERWRITE [LOCAL] DIRECTORY 'path' SELECT ...`: the rows leave for
        # files, read as a bare SELECT is (as COPY ... TO is, see _unload)
        return Write("", query)
    if not isinstance(query, exp.Query) or not isinstance(statement.this, (exp.Table, exp.Schema)):
        return None  # INSERT ... VALUES carries no lineage
    target, columns = _target(statement.this)
    if statement.args.get("by_name"):  # DuckDB's / Spark's `INSERT INTO t BY NAME SELECT ...`
        return Write(target, query)
    return Write(target, query, columns, positional=True, static=_static_partition(statement.this))


def _static_partition(node: exp.Expr) -> tuple[str, ...]:
    """The columns `PARTITION (dt = '2024-01-01', hr)` gives a value (dt); a dynamic one (hr) the query gives."""
    table = node.this if isinstance(node, exp.Schema) else node
    partition = table.args.get("partition") if isinstance(table, exp.Table) else None
    if not isinstance(partition, exp.Partition):
        return ()
    return tuple(e.this.name for e in partition.expressions if isinstance(e, exp.EQ) and isinstance(e.this, exp.Column))


_APPEND = re.compile(r"TABLE\s+(?P<target>\S+)\s+APPEND\s+FROM\s+(?P<source>[^\s;]+)", re.IGNORECASE)
_SWITCH = re.compile(r"TABLE\s+(?P<source>\S+)\s+SWITCH\s+(?:PARTITION\s+\S+\s+)?TO\s+(?P<target>[^\s;]+)", re.IGNORECASE)


def _append(statement: exp.Command) -> Write | None:
    """Redshift's `ALTER TABLE t APPEND FROM s [IGNOREEXTRA | FILLTARGET]` and SQL Server's `ALTER TABLE s
    SWITCH [PARTITION n] TO t [PARTITION m]`: s's rows move into t, column by column of the same name
    (sqlglot keeps both statements as text)."""
    text = statement.expression.name if isinstance(statement.expression, exp.Literal) else str(statement.expression or "")
    if str(statement.this).upper() != "ALTER":
        return None
    found = _APPEND.match(text.strip()) or _SWITCH.match(text.strip())
    if found is None:
        return None
    target, source = (exp.to_table(found.group(name)) for name in ("target", "source"))
    return Write(table_name(target), exp.select("*").from_(source))


def _queried_values(values: exp.Values) -> exp.Query | None:
    """`INSERT ... VALUES (1, (SELECT max(x) FROM s))`: the rows that hold a subquery, as one SELECT each
    (UNION ALL); rows of constants have no lineage, and no such row leaves nothing to trace."""
    rows = [row for row in values.expressions if isinstance(row, exp.Tuple) and row.find(exp.Subquery)]
    selects: list[exp.Query] = [exp.Select(expressions=[value.copy() for value in row.expressions]) for row in rows]
    return reduce(lambda left, right: exp.union(left, right, distinct=False), selects) if selects else None


def _update(statement: exp.Update) -> Write | None:
    if not isinstance(statement.this, exp.Table):
        return None
    target_table = statement.this.copy()
    # MySQL's `UPDATE t JOIN s ON ... SET` keeps the joins on the target table, `FROM s JOIN u` on s
    joins = _detach_joins(target_table)
    source = statement.args.get("from_") or statement.args.get("from")
    first = source.this.copy() if isinstance(source, exp.From) else None
    joined = [*_detach_joins(first), *(j.copy() for j in statement.args.get("joins") or ())]
    named = _updated_source(target_table, [first, *(j.this for j in joined)]) if first is not None else None
    select = exp.Select(expressions=[exp.alias_(assigned_value(v), c, copy=False) for c, v in set_pairs(statement.expressions)])
    select.set("from_", exp.From(this=first if named is not None else target_table))
    if named is None and first is not None:
        joins.append(exp.Join(this=first))
    select.set("joins", [*joins, *joined] or None)
    if statement.args.get("where") is not None:
        select.set("where", statement.args["where"].copy())
    return Write(table_name(statement.this if named is None else named), select, assigns=True)


def _delete(statement: exp.Delete) -> Write | None:
    """`DELETE FROM t [USING s] WHERE c`, T-SQL's and MySQL's `DELETE t FROM t JOIN s ON ... WHERE c`: which
    of t's rows remain is decided by the columns its joins and condition read, as a filter decides a
    query's rows. A query of no column with those clauses: table-level edges into t, and no value moves
    (a rename of a column the condition reads breaks the DELETE, so impact must see it). A DELETE of
    every row reads no column."""
    if not isinstance(statement.this, exp.Table):
        return None
    first = statement.this.copy()
    joins = [*_detach_joins(first), *(exp.Join(this=u.copy()) for u in statement.args.get("using") or ())]
    where = statement.args.get("where")
    if where is None and not joins:
        return None
    named = statement.args.get("tables") or []  # `DELETE a FROM t AS a JOIN ...`: the FROM table it names
    deleted = _updated_source(named[0], [first, *(j.this for j in joins)]) if named and isinstance(named[0], exp.Table) else None
    select = exp.Select(expressions=[])
    select.set("from_", exp.From(this=first))
    select.set("joins", joins or None)
    if where is not None:
        select.set("where", where.copy())
    return Write(table_name(deleted if deleted is not None else first), select)


def _detach_joins(table: exp.Expr | None) -> list[exp.Expr]:
    if table is None:
        return []
    joins = list(table.args.get("joins") or ())
    table.set("joins", None)
    return joins


def _updated_source(target: exp.Table, sources: list[exp.Expr]) -> exp.Table | None:
    """T-SQL's `UPDATE a SET ... FROM dbo.t AS a JOIN ...` (and `UPDATE t ... FROM t JOIN ...`) names
    a table of its FROM clause, by alias or by name: that FROM table is the one updated."""
    if target.alias:  # Postgres `UPDATE t AS a ... FROM s`: the FROM items are other tables
        return None
    name = table_name(target)
    for source in sources:
        if isinstance(source, exp.Table) and (source.alias == name or (not source.alias and table_name(source) == name)):
            return source
    return None


def _merge(statement: exp.Merge, deadline: Deadline, columns_of: ColumnsOf) -> Write | None:
    if not isinstance(statement.this, exp.Table):
        return None
    source = statement.args["using"]
    target = table_name(statement.this)
    merged = _Merged(source.alias_or_name, _Positions(target, source, columns_of))
    whens = statement.args.get("whens")
    for when in whens.expressions if isinstance(whens, exp.Whens) else []:
        deadline.check()  # once per WHEN clause: each costs its own size, once
        condition, action = when.args.get("condition"), when.args.get("then")
        narrowed = action.args.get("where") if isinstance(action, (exp.Update, exp.Insert)) else None
        if isinstance(narrowed, exp.Where):  # Oracle's `UPDATE SET ... WHERE c`, `INSERT ... VALUES ... WHERE c`: as `AND c`
            condition = exp.and_(condition, narrowed.this) if condition is not None else narrowed.this
        if not when.args.get("matched"):
            # a NOT MATCHED [BY TARGET] clause has only the source row, NOT MATCHED BY SOURCE only the
            # target's: an unqualified column there can name no other side's
            side = statement.this.alias_or_name if when.args.get("source") else source.alias_or_name
            condition, action = _qualified(condition, side), _qualified(action, side)
        merged.add(condition, action)
    if not merged.projections and not merged.filters:
        return None
    select = exp.Select(expressions=merged.projections + merged.conditions)
    select.set("from_", exp.From(this=statement.this.copy()))
    select.set("joins", [exp.Join(this=source.copy(), on=statement.args["on"].copy())])
    if merged.filters:  # under the name a condition's columns do not resolve aliases by (parsers.sql.trace)
        select.set("where", exp.Where(this=exp.alias_(exp.or_(*merged.filters, copy=False), MERGE_CONDITION, copy=False)))
    return Write(target, select, hidden=len(merged.conditions), assigns=True, notes=tuple(dict.fromkeys(merged.positions.notes)))


class _Positions:
    """The target columns a MERGE's `INSERT VALUES (...)` without a column list (every engine) or
    BigQuery's `INSERT ROW` fill in order: the target's known columns, else (said in a note) the
    values' own names, as an INSERT ... SELECT into a table of unknown columns is mapped."""

    def __init__(self, target: str, source: exp.Expr, columns_of: ColumnsOf) -> None:
        self.target, self.columns_of = target, columns_of
        self.source_columns = columns_of(table_name(source)) if isinstance(source, exp.Table) else None
        self.notes: list[str] = []

    def values(self, values: list[exp.Expr]) -> list[tuple[str, exp.Expr]]:
        from parsers.sql.output_names import column_name

        declared = self.columns_of(self.target)
        if declared is None:
            self.notes.append(f"columns of '{self.target}' are unknown: the MERGE's INSERT without a column list is mapped by the values' names (add its DDL or --schema)")
            named = [(column_name(v), v) for v in values]
            unnamed = sum(1 for name, _ in named if not name)
            if unnamed:
                self.notes.append(f"{unnamed} value(s) of the MERGE's INSERT without a column list have no name and no known target column: their lineage is missing (add the DDL of '{self.target}' or --schema)")
            return [(name, v) for name, v in named if name]
        if len(declared) != len(values):
            self.notes.append(f"'{self.target}' has {len(declared)} columns but the MERGE's INSERT gives {len(values)} values")
        return list(zip(declared, values))

    def row(self, source: str) -> list[tuple[str, exp.Expr]] | None:
        """`INSERT ROW`: the source's columns in order; None (by name, as `INSERT *`) where either side is unknown."""
        declared = self.columns_of(self.target)
        if declared is None or self.source_columns is None:
            self.notes.append(f"INSERT ROW fills the columns of '{self.target}' in order, but the columns of the target or the source are unknown: mapped by name (add their DDL or --schema)")
            return None
        if len(declared) != len(self.source_columns):
            self.notes.append(f"'{self.target}' has {len(declared)} columns but the MERGE's INSERT ROW gives {len(self.source_columns)}")
        return [(t, exp.column(c, table=source)) for t, c in zip(declared, self.source_columns)]


class _Merged:
    """The WHEN clauses of a MERGE as one query, each clause's condition in it once: a hidden
    projection `MERGE_WHEN(cond, NULL) AS k` that each column the clause assigns names (`MERGE_WHEN(k,
    v) AS c`: the tracer resolves k like any alias, once), or past MAX_CONDITION_EDGES a filter."""

    def __init__(self, source: str, positions: _Positions) -> None:
        self.source, self.positions = source, positions
        self.projections: list[exp.Expr] = []
        self.conditions: list[exp.Expr] = []  # hidden projections, after the written ones
        self.filters: list[exp.Expr] = []  # row conditions: a DELETE's, or a too-wide clause's

    def add(self, condition: exp.Expr | None, action: exp.Expr | None) -> None:
        if not isinstance(action, (exp.Update, exp.Insert)):
            if condition is not None:  # WHEN MATCHED AND cond THEN DELETE: cond decides which rows stay
                self.filters.append(condition.copy())
            return
        pairs = _merge_assignments(action, self.positions, self.source)
        if pairs is None:  # `SET *` / `INSERT *`: every column of the source, by name
            self.projections.append(exp.Column(this=exp.Star(), table=exp.to_identifier(self.source)))
            return
        guard = self._guard(condition, len(pairs))
        for name, value in pairs:
            guarded = assigned_value(value) if guard is None else _when(exp.column(guard), assigned_value(value))
            self.projections.append(exp.alias_(guarded, name, copy=False))

    def _guard(self, condition: exp.Expr | None, assigned: int) -> str | None:
        """The name each assigned value refers to its condition by, when the condition is per column."""
        if condition is None or not assigned:
            return None
        if len({(c.table, c.name) for c in condition.find_all(exp.Column)}) * assigned > MAX_CONDITION_EDGES:
            self.filters.append(condition.copy())
            return None
        name = f"{MERGE_CONDITION}{len(self.conditions)}"
        self.conditions.append(exp.alias_(_when(condition.copy(), exp.null()), name, copy=False))
        return name


def _qualified(node: exp.Expr | None, side: str) -> exp.Expr | None:
    """`node` with its unqualified columns (not a subquery's, nor an INSERT's column list) read from `side`."""
    if node is None:
        return None
    node = node.copy()
    listed = node.this if isinstance(node, exp.Insert) and _values_call(node.this) is None else None
    for column in list(node.find_all(exp.Column)):
        inner = column.find_ancestor(exp.Query, exp.Tuple)
        if column.table or (inner is not None and (inner is listed or isinstance(inner, exp.Query))):
            continue
        column.set("table", exp.to_identifier(side))
    return node


def _merge_assignments(action: exp.Update | exp.Insert, positions: _Positions, source: str) -> list[tuple[str, exp.Expr]] | None:
    """`SET c = v` / `INSERT (c) VALUES (v)` as (c, v) pairs; None for `SET *` / `INSERT *` (by name)."""
    if isinstance(action, exp.Update):
        if any(isinstance(e, exp.Star) for e in action.expressions):
            return None
        return set_pairs(action.expressions)
    if isinstance(action.this, exp.Star):
        return None
    listed, values = action.this, action.expression.expressions if isinstance(action.expression, exp.Tuple) else None
    if isinstance(listed, exp.Tuple) and values is not None:
        return list(zip([n.name for n in listed.expressions], values))
    if isinstance(listed, exp.Var) and listed.name.upper() == "ROW":  # BigQuery
        return positions.row(source)
    if listed is None and values is not None:  # `INSERT VALUES (v, ...)`: no column list
        return positions.values(list(values))
    called = _values_call(listed)
    if called is not None:  # the same, as sqlglot reads BigQuery's
        return positions.values(list(called.expressions))
    raise UnsupportedError(f"a MERGE's INSERT of a shape not read: {action.sql()[:60]}")


def _values_call(listed: exp.Expr | None) -> exp.Anonymous | None:
    """sqlglot reads BigQuery's `INSERT VALUES (a, b)` (no column list) as a column list holding one call `VALUES(a, b)`."""
    called = listed.expressions[0] if isinstance(listed, exp.Tuple) and len(listed.expressions) == 1 else None
    return called if isinstance(called, exp.Anonymous) and called.name.upper() == "VALUES" else None


def _when(condition: exp.Expr, value: exp.Expr) -> exp.Expr:
    return exp.Anonymous(this=MERGE_WHEN, expressions=[condition, value])
