"""Scanning paths: find the SQL files and the catalog, and extract every file's facts."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from lineage.catalog import Catalog
from lineage.errors import ConfigError
from lineage.model import Diagnostic, FileFacts, Location
from parsers.catalog import load_catalog
from parsers.schema import SchemaRegistry
from parsers.sql import extract_sql, get_dialect

CATALOG_NAME = "lineage.yml"
SQL_SUFFIXES = (".sql",)
_SKIP_DIRS = {".git", ".lineage", ".venv", "node_modules", "__pycache__", "target", ".neo4j"}

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class ScanOptions:
    dialect: str | None = None
    schema: SchemaRegistry | None = None
    catalog: Path | None = None


@dataclass(frozen=True, slots=True)
class ScanResult:
    files: tuple[FileFacts, ...]
    catalog: Catalog | None
    roots: tuple[str, ...]  # the scanned paths, as shown: sources under them not seen are gone

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return sorted(d for f in self.files for d in f.diagnostics)


def display_path(path: Path) -> str:
    """Paths as users see them: relative to the working directory when below it."""
    try:
        return os.path.relpath(path) if path.resolve().is_relative_to(Path.cwd().resolve()) else str(path)
    except ValueError:
        return str(path)


def find_sql_files(paths: Sequence[Path]) -> list[Path]:
    found: set[Path] = set()
    for path in paths:
        if path.is_file():
            found.add(path)
            continue
        for folder, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
            found.update(Path(folder) / f for f in files if f.endswith(SQL_SUFFIXES))
    return sorted(found, key=lambda p: display_path(p))


def find_catalog(paths: Sequence[Path], explicit: Path | None) -> Catalog | None:
    if explicit is not None:
        return load_catalog(explicit)
    for path in paths:
        candidate = (path if path.is_dir() else path.parent) / CATALOG_NAME
        if candidate.is_file():
            return load_catalog(candidate)
    return None


def scan(paths: Sequence[Path], options: ScanOptions, progress: Progress | None = None) -> ScanResult:
    """Extract every SQL file under `paths`, sharing one schema across files.

    Files are read in path order; a file that could not resolve everything (an unknown table's
    columns, an ambiguous column) is extracted again at the end, when every DDL has been seen.
    """
    get_dialect(options.dialect)  # a bad dialect is a usage error before any work
    for path in paths:
        if not path.exists():
            raise ConfigError(f"{path}: no such file or directory")
    catalog = find_catalog(paths, options.catalog)
    consumer_sql = {c.sql for c in catalog.consumers if c.sql} if catalog else set()
    files = [p for p in find_sql_files(paths) if display_path(p) not in consumer_sql]
    registry = options.schema.copy() if options.schema else SchemaRegistry()
    texts = {display_path(p): _read(p) for p in files}
    results: dict[str, FileFacts] = {}
    for shown, text in texts.items():
        if progress:
            progress(shown)
        results[shown] = _extract(shown, text, options.dialect, registry)
    for shown, facts in results.items():
        if _unsettled(facts):
            results[shown] = _extract(shown, texts[shown], options.dialect, registry)
    if catalog is not None:
        consumers = _consumer_facts(catalog, options.dialect, registry)
        catalog = catalog.with_reads({cid: facts.edges for cid, facts in consumers.items()})
        # a consumer's query is still a scanned file: its diagnostics and statements count
        results.update({f.path: FileFacts(f.path, diagnostics=f.diagnostics, statements=f.statements) for f in consumers.values()})
    roots = tuple(display_path(p) for p in paths)
    return ScanResult(tuple(results[s] for s in sorted(results)), catalog, roots)


def _read(path: Path) -> str | Diagnostic:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        return Diagnostic(Location(display_path(path)), f"not UTF-8 text (byte {err.start}); re-save it as UTF-8")
    except OSError as err:
        return Diagnostic(Location(display_path(path)), f"cannot read: {err.strerror}")


def _extract(shown: str, text: str | Diagnostic, dialect: str | None, registry: SchemaRegistry) -> FileFacts:
    if isinstance(text, Diagnostic):
        return FileFacts(shown, diagnostics=(text,))
    return extract_sql(text, shown, dialect, registry)


def _unsettled(facts: FileFacts) -> bool:
    return bool(facts.diagnostics) or any(e.source_table is None for e in facts.edges)


def _consumer_facts(catalog: Catalog, dialect: str | None, registry: SchemaRegistry) -> dict[str, FileFacts]:
    """What each dashboard's or feature's own query reads (its SQL file named in the catalog)."""
    return {
        c.id: _extract(c.sql, _read(Path(c.sql)), dialect, registry)
        for c in catalog.consumers
        if c.sql
    }
