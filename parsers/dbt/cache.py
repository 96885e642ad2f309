"""Re-scanning an unchanged dbt project without rendering or parsing it.

A dbt project's facts are a function of its files (models, macros, YAML, installed packages,
seeds' headers, a manifest), of the profile it is read with, of the scan's options, and of the
schema the rest of the scan declares for the tables it reads. Rendering and extracting a
thousand models takes seconds; hashing their texts takes milliseconds. So a project's result is
kept in the scan cache under a digest of all of that: an index entry (its files, its catalog,
the schema it declared) and one entry per file, each file's facts decoded only if its graph
must be rebuilt. One changed byte anywhere in the project renders and extracts it again.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lineage.catalog import Catalog, Consumer, Owner, TableEntry
from lineage.digests import digest
from lineage.model import ColumnEdge, FileFacts, Flow, Location, NodeKind, Subtype, Tier
from parsers.sql.budget import over_budget
from parsers.cache import ScanCache, schema_digest
from parsers.dbt.profiles import ProfileSearch
from parsers.scanned import ScannedFile
from parsers.sql.schema import SchemaOp, SchemaRegistry

# folders whose files dbt writes or ignores: compiled copies, logs, version control
_SKIPPED = {"target", "logs", "__pycache__", "node_modules"}
# what dbt reads: a store or scan cache kept inside the project (`--store s` there) is not the project
_READ = (".sql", ".yml", ".yaml", ".py", ".csv", ".md", ".jinja", ".j2")
_WHOLE = 1 << 20  # files up to this size are hashed whole; bigger ones (seed data) by their stat
Extract = Callable[[SchemaRegistry], tuple[list[FileFacts], Catalog | None]]


def project_digest(root: Path, options: object, profiles: ProfileSearch) -> str:
    """A digest of everything the project's facts depend on but the schema: its files, any
    profiles.yml dbt would read from outside it, a manifest, and the scan's options."""
    hasher = hashlib.sha256(repr(options).encode("utf-8"))
    for path in _files(root):
        hasher.update(_file_part(path, str(path.relative_to(root))))
    for path, _ in profiles.candidates(root):
        if path.is_file() and not path.is_relative_to(root):
            hasher.update(_file_part(path, str(path)))
    manifest = root / "target" / "manifest.json"
    if manifest.is_file():  # dbt rewrites it on every compile: its stat says whether it changed
        stat = manifest.stat()
        hasher.update(f"manifest\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return hasher.hexdigest()


def _files(root: Path) -> list[Path]:
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED and not d.startswith("."))
        found += [Path(folder) / f for f in sorted(files) if f.endswith(_READ)]
    return found


def _file_part(path: Path, name: str) -> bytes:
    try:
        stat = path.stat()
        body = path.read_bytes() if stat.st_size <= _WHOLE else f"{stat.st_size}:{stat.st_mtime_ns}".encode()
    except OSError as err:  # the extraction reports it; the key only has to differ
        body = f"unreadable:{err.errno}".encode()
    return name.encode("utf-8", "surrogateescape") + b"\0" + hashlib.sha256(body).digest()


class CachedProject:
    """A dbt project's job for one scan: the cached result when its key matches, else `extract`'s,
    then kept (unless a model ran out of time, which depends on the machine, not the project)."""

    def __init__(self, shown: str, key: str, cache: ScanCache, extract: Extract) -> None:
        self.shown, self.key, self.cache, self.extract = shown, key, cache, extract
        self.served = False  # a cached result was already counted in this scan's reused files
        self.reused: frozenset[str] = frozenset()  # the files served from the cache in this scan

    def __call__(self, registry: SchemaRegistry) -> tuple[list[ScannedFile], Catalog | None]:
        key = digest("dbt", self.shown, self.key, schema_digest(registry))  # the folder too: its files' paths are in the facts
        found = self._cached(key)
        if found is not None:
            files, catalog, journal = found
            self.reused = frozenset(f.path for f in files)
            registry.replay(journal)
            registry.journal[:] = journal  # as if extracted here: the scan replays it in path order
            return files, catalog
        facts, catalog = self.extract(registry)
        scanned = [ScannedFile.of(f) for f in facts]
        if not any(over_budget(d) for f in scanned for d in f.diagnostics):
            self._store(key, scanned, catalog, registry.journal)
        return scanned, catalog

    def _store(self, key: str, files: list[ScannedFile], catalog: Catalog | None, journal: list[SchemaOp]) -> None:
        keys = [digest(key, f.path) for f in files]
        for file_key, scanned in zip(keys, files):
            self.cache.put(file_key, scanned, [])
        index = {"files": keys, "catalog": catalog_record(catalog) if catalog else None}
        self.cache.put(key, ScannedFile(self.shown, "", (), 0, 0, (), (), False, json.dumps(index, separators=(",", ":"))), journal)

    def _cached(self, key: str) -> tuple[list[ScannedFile], Catalog | None, list[SchemaOp]] | None:
        entry = self.cache.get(key)
        if entry is None:
            return None
        try:
            index = json.loads(entry[0].facts_data())
            keys = [str(k) for k in index["files"]]
            catalog = catalog_from(index["catalog"]) if index["catalog"] is not None else None
        except (KeyError, TypeError, ValueError):
            return None
        files = [self.cache.get(k) for k in keys]
        # the index is no file, and a second pass reusing the files again reuses no more of them
        self.cache.hits -= 1 + (len(keys) if self.served else 0)
        self.served = True
        if any(f is None for f in files):
            return None
        return [f[0] for f in files if f is not None], catalog, entry[1]


def catalog_record(catalog: Catalog) -> dict[str, Any]:
    """A dbt project's catalog as JSON-ready data (it has no `dialects:`)."""

    def at(loc: Location | None) -> list[object] | None:
        return None if loc is None else [loc.file, loc.line, loc.statement]

    return {
        "path": catalog.path,
        "owners": [[o.id, o.name, o.email, o.slack, o.github] for o in catalog.owners],
        "tables": [[t.pattern, t.owner, str(t.tier) if t.tier else None, t.description, t.deprecated, at(t.at)] for t in catalog.tables],
        "consumers": [
            [c.id, str(c.kind), c.owner, c.title, c.url, list(c.columns), c.sql, [[e.source_table, e.source_column, e.target_table, e.target_column, str(e.flow), str(e.subtype), at(e.at)] for e in c.reads], at(c.at), c.table_level]
            for c in catalog.consumers
        ],
    }


def catalog_from(record: Any) -> Catalog:
    """The inverse of `catalog_record`; raises KeyError, TypeError or ValueError when malformed."""

    def at(row: Any) -> Location | None:
        return None if row is None else Location(str(row[0]), int(row[1]), int(row[2]))

    def edge(row: Any) -> ColumnEdge:
        st, sc, tt, tc, flow, subtype, where = row
        return ColumnEdge(st, str(sc), str(tt), tc, Flow(flow), Subtype(subtype), at(where) or Location(""))

    owners = tuple(Owner(*(str(v) for v in row)) for row in record["owners"])
    tables = tuple(TableEntry(str(p), str(o), Tier(t) if t else None, str(d), str(dep), at(w)) for p, o, t, d, dep, w in record["tables"])
    consumers = tuple(
        Consumer(str(i), NodeKind(k), str(o), str(t), str(u), tuple(cols), str(sql), tuple(edge(e) for e in reads), at(w), bool(level))
        for i, k, o, t, u, cols, sql, reads, w, level in record["consumers"]
    )
    return Catalog(str(record["path"]), owners, tables, consumers)
