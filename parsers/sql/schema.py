"""What the parser knows about table columns: DDL seen so far, earlier CREATEs, and `--schema` files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from lineage.errors import ConfigError
from lineage.model import Diagnostic, Location
from parsers.sources.documents import load_json, load_yaml
from parsers.sources.reading import DEFAULT_MAX_BYTES


SchemaOp = tuple[object, ...]  # ("define", table, columns) | ("drop", table) | ("rename_column", table, old, new) | ...


class SchemaRegistry:
    """Columns per table, in declared order; names are normalised dotted names (`db.schema.table`).

    Lookups accept partially qualified names: `orders` finds `app.orders` when that is the only
    table whose name ends with `.orders`, and `app.orders` finds a table declared as `orders`.

    `overlay()` gives a cheap private view for extracting one file: it reads through to this
    registry and keeps its own declarations, so ten thousand files need no ten thousand copies.
    """

    def __init__(self, tables: dict[str, list[tuple[str, str | None]]] | None = None, parent: SchemaRegistry | None = None) -> None:
        self._parent = parent
        self._tables: dict[str, list[tuple[str, str | None]]] = {}
        self._hidden: set[str] = set()  # the parent's tables this view dropped
        self._by_last: dict[str, list[str]] = {}
        # What was declared since this registry was made, so a scan can replay one file's
        # declarations into the shared schema in path order, whichever process extracted the file.
        self.journal: list[SchemaOp] = []
        for name, columns in (tables or {}).items():
            self.define(name, columns)
        self.journal.clear()

    def copy(self) -> SchemaRegistry:
        return SchemaRegistry(self.tables())

    def overlay(self) -> SchemaRegistry:
        return SchemaRegistry(parent=self)

    def replay(self, ops: Sequence[SchemaOp]) -> None:
        """Apply another registry's journal (definitions are not journalled again here)."""
        for op, table, *args in ops:
            if op == "define":
                # shared, not copied: (name, type) pairs as the journal holds them (lists from the
                # scan cache's JSON); the registry never changes a column list in place
                self._own(str(table), args[0])  # type: ignore[arg-type]
            elif op == "drop":
                self.drop(str(table))
            elif op == "rename_column":
                self.rename_column(str(table), str(args[0]), str(args[1]))
            elif op == "drop_column":
                self.drop_column(str(table), str(args[0]))
            elif op == "add_column":
                self.add_column(str(table), str(args[0]), None if args[1] is None else str(args[1]))
            elif op == "retype_column":
                self.retype_column(str(table), str(args[0]), str(args[1]))
            elif op == "rename_table":
                self.rename_table(str(table), str(args[0]))

    def define(self, table: str, columns: Sequence[tuple[str, str | None]]) -> None:
        self.journal.append(("define", table, [tuple(c) for c in columns]))
        self._own(table, list(columns))

    def drop(self, table: str) -> None:
        self.journal.append(("drop", table))
        self._forget(table)

    def _forget(self, table: str) -> None:
        key = self.resolve(table)
        if key is None:
            return
        if key in self._tables:
            del self._tables[key]
            self._by_last[key.rsplit(".", 1)[-1]].remove(key)
        self._hidden.add(key)

    def _names(self, last: str) -> list[str]:
        """Every visible table whose last name part is `last`."""
        inherited = [n for n in self._parent._names(last) if n not in self._hidden and n not in self._tables] if self._parent else []
        return self._by_last.get(last, []) + inherited

    def _own(self, key: str, columns: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
        if key not in self._tables:
            self._by_last.setdefault(key.rsplit(".", 1)[-1], []).append(key)
        self._hidden.discard(key)
        self._tables[key] = columns
        return columns

    def resolve(self, table: str) -> str | None:
        """The registered name `table` refers to, or None when unknown or ambiguous."""
        names = self._names(table.rsplit(".", 1)[-1])
        if table in names:
            return table
        candidates = [name for name in names if name.endswith("." + table) or table.endswith("." + name)]
        return candidates[0] if len(candidates) == 1 else None

    def columns(self, table: str) -> list[tuple[str, str | None]] | None:
        key = self.resolve(table)
        if key is None:
            return None
        if key in self._tables:
            return self._tables[key]
        assert self._parent is not None
        return self._parent.columns(key)

    def column_names(self, table: str) -> list[str] | None:
        cols = self.columns(table)
        return None if cols is None else [name for name, _ in cols]

    def rename_column(self, table: str, old: str, new: str) -> None:
        self.journal.append(("rename_column", table, old, new))
        key, cols = self.resolve(table), self.columns(table)
        if key is not None and cols is not None:
            self._own(key, [(new if name == old else name, kind) for name, kind in cols])

    def drop_column(self, table: str, column: str) -> None:
        self.journal.append(("drop_column", table, column))
        key, cols = self.resolve(table), self.columns(table)
        if key is not None and cols is not None:
            self._own(key, [(name, kind) for name, kind in cols if name != column])

    def add_column(self, table: str, column: str, type_: str | None) -> None:
        self.journal.append(("add_column", table, column, type_))
        key, cols = self.resolve(table), self.columns(table)
        if key is not None and cols is not None and all(name != column for name, _ in cols):
            self._own(key, [*cols, (column, type_)])

    def retype_column(self, table: str, column: str, type_: str) -> None:
        self.journal.append(("retype_column", table, column, type_))
        key, cols = self.resolve(table), self.columns(table)
        if key is not None and cols is not None:
            self._own(key, [(name, type_ if name == column else kind) for name, kind in cols])

    def rename_table(self, old: str, new: str) -> None:
        """The columns move to `new`; `old` is gone (a table of unknown columns stays unknown)."""
        cols = self.columns(old)
        self.journal.append(("rename_table", old, new))
        self._forget(old)
        if cols is not None:
            self._own(new, list(cols))

    def tables(self) -> dict[str, list[tuple[str, str | None]]]:
        merged = {k: v for k, v in (self._parent.tables().items() if self._parent else ()) if k not in self._hidden}
        merged.update(self._tables)
        return {k: list(v) for k, v in sorted(merged.items())}


def same_journal(first: Sequence[SchemaOp], second: Sequence[SchemaOp]) -> bool:
    """Two journals alike as `replay` reads them: one from the scan cache holds JSON's lists where a
    fresh one has tuples (as unequal, a file re-extracted in a scan's second pass had the whole
    schema replayed again)."""
    return first == second or _plain(first) == _plain(second)


def _plain(value: object) -> object:
    return [_plain(v) for v in value] if isinstance(value, (list, tuple)) else value


def load_schema_file(path: Path, max_bytes: int | None = DEFAULT_MAX_BYTES) -> SchemaRegistry:
    """Read `{table: {column: type}}` or `{table: [column, ...]}` from JSON or YAML."""
    data = load_json(path, max_bytes, str(path)) if path.suffix == ".json" else load_yaml(path, max_bytes, str(path))
    if isinstance(data, Diagnostic):
        raise ConfigError(data.message, data.at)
    if not isinstance(data, dict):
        raise ConfigError("schema must map table names to columns", Location(str(path), 1))
    registry = SchemaRegistry()
    for table, columns in data.items():
        registry.define(str(table).lower(), _columns_of(path, str(table), columns))
    return registry


def _columns_of(path: Path, table: str, columns: object) -> list[tuple[str, str | None]]:
    if isinstance(columns, dict):
        return [(str(c).lower(), None if t is None else str(t)) for c, t in columns.items()]
    if isinstance(columns, list) and all(isinstance(c, str) for c in columns):
        return [(c.lower(), None) for c in columns]
    raise ConfigError(
        f"columns of table '{table}' must be a mapping column: type or a list of column names",
        Location(str(path)),
    )
