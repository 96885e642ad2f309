"""What the parser knows about table columns: DDL seen so far, earlier CREATEs, and `--schema` files."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import yaml

from lineage.errors import ConfigError
from lineage.model import Location


class SchemaRegistry:
    """Columns per table, in declared order; names are normalised dotted names (`db.schema.table`).

    Lookups accept partially qualified names: `orders` finds `app.orders` when that is the only
    table whose name ends with `.orders`, and `app.orders` finds a table declared as `orders`.
    """

    def __init__(self, tables: dict[str, list[tuple[str, str | None]]] | None = None) -> None:
        self._tables: dict[str, list[tuple[str, str | None]]] = {}
        self._by_last: dict[str, list[str]] = {}
        for name, columns in (tables or {}).items():
            self.define(name, columns)

    def copy(self) -> SchemaRegistry:
        return SchemaRegistry({k: list(v) for k, v in self._tables.items()})

    def define(self, table: str, columns: Sequence[tuple[str, str | None]]) -> None:
        if table not in self._tables:
            self._by_last.setdefault(table.rsplit(".", 1)[-1], []).append(table)
        self._tables[table] = list(columns)

    def drop(self, table: str) -> None:
        key = self.resolve(table)
        if key is not None:
            del self._tables[key]
            self._by_last[key.rsplit(".", 1)[-1]].remove(key)

    def resolve(self, table: str) -> str | None:
        """The registered name `table` refers to, or None when unknown or ambiguous."""
        if table in self._tables:
            return table
        candidates = [
            name
            for name in self._by_last.get(table.rsplit(".", 1)[-1], ())
            if name.endswith("." + table) or table.endswith("." + name)
        ]
        return candidates[0] if len(candidates) == 1 else None

    def columns(self, table: str) -> list[tuple[str, str | None]] | None:
        key = self.resolve(table)
        return None if key is None else self._tables[key]

    def column_names(self, table: str) -> list[str] | None:
        cols = self.columns(table)
        return None if cols is None else [name for name, _ in cols]

    def rename_column(self, table: str, old: str, new: str) -> None:
        cols = self.columns(table)
        if cols is not None:
            cols[:] = [(new if name == old else name, kind) for name, kind in cols]

    def drop_column(self, table: str, column: str) -> None:
        cols = self.columns(table)
        if cols is not None:
            cols[:] = [(name, kind) for name, kind in cols if name != column]

    def tables(self) -> dict[str, list[tuple[str, str | None]]]:
        return {k: list(v) for k, v in sorted(self._tables.items())}


def load_schema_file(path: Path) -> SchemaRegistry:
    """Read `{table: {column: type}}` or `{table: [column, ...]}` from JSON or YAML."""
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"cannot read schema file: {err}", Location(str(path))) from None
    except json.JSONDecodeError as err:
        raise ConfigError(f"invalid JSON: {err.msg}", Location(str(path), err.lineno)) from None
    except yaml.YAMLError as err:
        line = getattr(getattr(err, "problem_mark", None), "line", -1) + 1
        raise ConfigError(f"invalid YAML: {getattr(err, 'problem', err)}", Location(str(path), line)) from None
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
