"""The incremental-scan cache: a SQL file's facts, keyed by what they depend on.

A first-pass result depends on the file's text, the dialect and the `--schema` file; a second-pass
result also on the columns of every relation the file names (its `reads`), as the schema of the
whole scan declared them. Change a file, or a table it reads, and only that file is parsed again.

One line per entry, `key TAB [summary, schema journal] TAB facts`, each part JSON (never pickle: a cache file found
in a repository must not be able to run code). Loading splits lines and decodes summaries only; an
entry's facts are decoded when its graph must be rebuilt, and saving writes reused entries back as
the text they were read as.
"""

from __future__ import annotations

import json
import os
import importlib.util
import re
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from lineage.digests import digest
from parsers.scanned import ScannedFile, lazily
from parsers.schema import SchemaOp, SchemaRegistry

__all__ = ["ScanCache", "digest", "schema_digest"]

FORMAT = "lineage-scan-cache"
# bump when extraction changes what it yields for the same input
VERSION = 4
Entry = tuple[ScannedFile, list[SchemaOp]]


def schema_digest(schema: SchemaRegistry, tables: Iterable[str] | None = None) -> str:
    """The columns of `tables` (or of every table) as `schema` knows them."""
    if tables is None:
        return digest(schema.tables())
    return digest([(t, schema.columns(t)) for t in sorted(tables)])


class ScanCache:
    """Entries used by this scan are kept on save; the rest (deleted or changed files) are dropped."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # shown path -> [size, inode, mtime_ns, ctime_ns, text digest, when the cache was written]
        self._stats: dict[str, list[Any]] = {}
        self._seen: dict[str, list[Any]] = {}
        self._lines: dict[str, str] = self._load()
        self._used: dict[str, str] = {}
        self.hits = 0
        self.misses = 0

    def _load(self) -> dict[str, str]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, ValueError):
            return {}  # no cache, or an unreadable one: scan everything, write a fresh one
        head, _, body = text.partition("\n")
        if head != _header():
            return {}
        lines = {line.partition("\t")[0]: line for line in body.split("\n") if line.count("\t") == 2}
        stats = lines.pop(_STATS, "")
        try:
            self._stats = json.loads(stats.split("\t", 2)[2]) if stats else {}
        except ValueError:
            self._stats = {}
        return lines

    def text_digest(self, shown: str, path: Path) -> str | None:
        """The digest of the file's text as last read, if its stat says it has not changed since.

        Like git's index: size, inode, and modification and change times in nanoseconds; a file
        modified less than `_RACY_NS` before the cache was written is read again (a write within
        the same clock tick as the one recorded would not move its times).
        """
        record = self._stats.get(shown)
        if record is None:
            return None
        try:
            now = file_stat(path)
        except OSError:
            return None
        if record[:4] != now or now[2] > record[5] - _RACY_NS:
            return None
        self._seen[shown] = record
        return str(record[4])

    def remember(self, shown: str, stat: list[int], text_digest: str) -> None:
        """The file was read, with this `stat` taken before reading, and its text had this digest."""
        self._seen[shown] = [*stat, text_digest, 0]

    def get(self, key: str) -> Entry | None:
        line = self._lines.get(key)
        if line is None:
            self.misses += 1
            return None
        try:
            _, head, facts = line.split("\t", 2)
            summary, journal = json.loads(head)
            entry = (lazily(summary, facts, str(self.path)), [tuple(op) for op in journal])
        except (KeyError, TypeError, ValueError):
            self.misses += 1
            return None
        self._used[key] = line
        self.hits += 1
        return entry

    def put(self, key: str, scanned: ScannedFile, journal: Sequence[SchemaOp]) -> None:
        head = json.dumps([scanned.summary(), [list(op) for op in journal]], separators=(",", ":"))
        self._used[key] = f"{key}\t{head}\t{scanned.facts_json}"

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".scan-cache.", suffix=".tmp")
        try:
            written = time.time_ns()
            stats = {shown: record[:5] + [written if record[5] == 0 else record[5]] for shown, record in sorted(self._seen.items())}
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(_header() + "\n")
                handle.write(f"{_STATS}\t\t{json.dumps(stats, separators=(',', ':'))}\n")
                handle.writelines(self._used[key] + "\n" for key in sorted(self._used))
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


_STATS = "stats"  # the line of file stats (entry keys are hex digests: never this)
_RACY_NS = 2_000_000_000


def file_stat(path: Path) -> list[int]:
    found = os.stat(path)
    return [found.st_size, found.st_ino, found.st_mtime_ns, found.st_ctime_ns]


def _header() -> str:
    # JSON escapes every tab and newline inside a string, so neither ever splits a part
    return json.dumps({"format": FORMAT, "version": f"{VERSION}/sqlglot-{_sqlglot_version()}"}, separators=(",", ":"))


def _sqlglot_version() -> str:
    """sqlglot's version without importing it (a fifth of a second, which a re-scan that finds
    everything in the cache never needs): from the `_version.py` its build writes, else metadata."""
    spec = importlib.util.find_spec("sqlglot")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        try:
            found = re.search(r"^__version__ = version = '([^']+)'$", (Path(folder) / "_version.py").read_text(encoding="utf-8"), re.M)
        except OSError:
            continue
        if found:
            return found.group(1)
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("sqlglot")
    except PackageNotFoundError:
        return "?"
