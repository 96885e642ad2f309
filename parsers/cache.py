"""The incremental-scan cache: a SQL file's facts, keyed by what they depend on.

A first-pass result depends on the file's text, the dialect and the `--schema` file; a second-pass
result also on the columns of every relation the file names (its `reads`), as the schema of the
whole scan declared them. Change a file, or a table it reads, and only that file is parsed again.
Stored as JSON (never pickle: a cache file found in a repository must not be able to run code).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import sqlglot

from lineage.model import ColumnEdge, Diagnostic, FileFacts, Flow, Location, SchemaChange, Severity, Subtype, TableFact, TableKind
from parsers.schema import SchemaOp, SchemaRegistry

FORMAT = "lineage-scan-cache"
# bump when extraction changes what it yields for the same input
VERSION = 2
Entry = tuple[FileFacts, list[SchemaOp]]


def digest(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def schema_digest(schema: SchemaRegistry, tables: Iterable[str] | None = None) -> str:
    """The columns of `tables` (or of every table) as `schema` knows them."""
    if tables is None:
        return digest(schema.tables())
    return digest([(t, schema.columns(t)) for t in sorted(tables)])


class ScanCache:
    """Entries used by this scan are kept on save; the rest (deleted or changed files) are dropped."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._entries: dict[str, dict[str, object]] = self._load()
        self._used: dict[str, dict[str, object]] = {}
        self.hits = 0
        self.misses = 0

    def _load(self) -> dict[str, dict[str, object]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # no cache, or an unreadable one: scan everything, write a fresh one
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != _version():
            return {}
        entries = data.get("entries")
        return entries if isinstance(entries, dict) else {}

    def get(self, key: str) -> Entry | None:
        record = self._entries.get(key)
        if record is None:
            self.misses += 1
            return None
        try:
            entry = (_facts(record["facts"]), [tuple(op) for op in record["journal"]])  # type: ignore[arg-type, attr-defined]
        except (KeyError, TypeError, ValueError):
            self.misses += 1
            return None
        self._used[key] = record
        self.hits += 1
        return entry

    def put(self, key: str, facts: FileFacts, journal: Sequence[SchemaOp]) -> None:
        self._used[key] = {"facts": _record(facts), "journal": [list(op) for op in journal]}

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"format": FORMAT, "version": _version(), "entries": self._used}
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".scan-cache.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(json.dumps(data, separators=(",", ":")))  # dumps: the C encoder; dump streams in Python
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def _version() -> str:
    return f"{VERSION}/sqlglot-{getattr(sqlglot, '__version__', '?')}"


def _record(facts: FileFacts) -> dict[str, object]:
    return {
        "path": facts.path,
        "edges": [[e.source_table, e.source_column, e.target_table, e.target_column, str(e.flow), str(e.subtype), e.at.line, e.at.statement] for e in facts.edges],
        "tables": [[t.name, str(t.kind), [list(c) for c in t.columns], t.at.line, t.at.statement] for t in facts.tables],
        "changes": [[c.table, c.action, c.column, c.new_name, c.at.line, c.at.statement] for c in facts.schema_changes],
        "diagnostics": [[d.at.file, d.at.line, d.at.statement, d.message, str(d.severity), d.needs_schema] for d in facts.diagnostics],
        "statements": facts.statements,
        "reads": list(facts.reads),
    }


def _facts(record: dict[str, list[list[object]]]) -> FileFacts:
    path = str(record["path"])
    return FileFacts(
        path=path,
        edges=tuple(
            ColumnEdge(_opt(st), str(sc), str(tt), _opt(tc), Flow(str(f)), Subtype(str(s)), Location(path, int(str(ln)), int(str(no))))
            for st, sc, tt, tc, f, s, ln, no in record["edges"]
        ),
        tables=tuple(
            TableFact(str(n), TableKind(str(k)), tuple((str(c[0]), _opt(c[1])) for c in cols), Location(path, int(str(ln)), int(str(no))))  # type: ignore[attr-defined]
            for n, k, cols, ln, no in record["tables"]
        ),
        schema_changes=tuple(SchemaChange(str(t), str(a), str(c), _opt(nn), Location(path, int(str(ln)), int(str(no)))) for t, a, c, nn, ln, no in record["changes"]),
        diagnostics=tuple(Diagnostic(Location(str(fl), int(str(ln)), int(str(no))), str(m), Severity(str(sv)), bool(ns)) for fl, ln, no, m, sv, ns in record["diagnostics"]),
        statements=int(str(record["statements"])),
        reads=tuple(str(r) for r in record["reads"]),
    )


def _opt(value: object) -> str | None:
    return None if value is None else str(value)
