"""The incremental-scan cache: a SQL file's facts, keyed by what they depend on.

A first-pass result depends on the file's path (its facts name it), its text, the dialect it is read in (its header's, the
catalog's `dialects:` glob's, or `--dialect`) and the `--schema` file; a second-pass
result also on the columns of every relation the file names (its `reads`), as the schema of the
whole scan declared them. Change a file, or a table it reads, and only that file is parsed again.

One line per entry, `crc TAB key TAB [summary row, schema journal] TAB offset,length`, each part after
the CRC-32 JSON (never pickle: a cache file found in a repository must not be able to run code);
the facts themselves lie in the facts file beside it (`parsers/cache_facts.py`) at that offset,
read only when an entry's graph must be rebuilt. Loading checks each line's CRC and splits lines,
and decodes summaries only; saving writes reused entries back as the bytes they were read as and
appends only the changed entries' facts. A damaged line is dropped (its file is parsed again) and
said in one line, so its facts never reach the store; damaged facts start the scan again without
the cache (`CacheDamaged`).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import importlib.util
import re
import tempfile
import time
import zlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from lineage.digests import digest, intact, sealed
from lineage.model import Diagnostic, Location, Severity
from parsers.sources.paths import display_path
from parsers.cache_facts import CacheDamaged, GARBAGE_RATIO, GARBAGE_SLACK, Blob, FactsFile, parse_ref, ref
from parsers.scanned import ScannedFile, lazily
from parsers.sql.schema import SchemaOp, SchemaRegistry

__all__ = ["ScanCache", "digest", "schema_digest"]

FORMAT = "lineage-scan-cache"
# bump when extraction changes what it yields for the same input
VERSION = 12  # 12: facts name their TEMPORARY tables; 11: summaries are rows, not objects (10: the facts moved to a file of their own)
Entry = tuple[ScannedFile, list[SchemaOp]]


def schema_digest(schema: SchemaRegistry, tables: Iterable[str] | None = None) -> str:
    """The columns of `tables` (or of every table) as `schema` knows them."""
    if tables is None:
        return digest(schema.tables())
    return digest([(t, schema.columns(t)) for t in sorted(tables)])


class ScanCache:
    """Entries used by this scan are kept on save; the rest (deleted or changed files) are dropped."""

    def __init__(self, path: Path, fresh: bool = False) -> None:
        """`fresh`: ignore what the file holds (a rebuild trusts nothing stored); save replaces it."""
        self.path = path
        self.notes: list[Diagnostic] = []  # why entries were ignored, or the cache not written
        # shown path -> [size, inode, mtime_ns, ctime_ns, text digest, when the cache was written, header dialect]
        self._stats: dict[str, list[Any]] = {}
        self._seen: dict[str, list[Any]] = {}
        self._facts = FactsFile(facts_path(path), display_path(path))
        self._lines: dict[str, bytes] = {} if fresh else self._load()
        self._used: dict[str, bytes] = {}  # reused entries' lines, as read
        self._sizes: dict[str, int] = {}  # reused entries' bytes in the facts file
        self._new: dict[str, tuple[str, bytes]] = {}  # key -> (its head's JSON, its facts' line)
        self.hits = 0
        self.misses = 0
        self.hit_keys: set[str] = set()
        self.written: int | None = None  # when save wrote the manifest
        self.pin: tuple[int, int] | None = None  # the CRC of the manifest saved, and the live bytes of its facts
        self.saved_keys: set[str] | None = set()  # the entries it holds (None: those of the kept rows, see cache_pinned)

    def _load(self) -> dict[str, bytes]:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as err:
            return self._ignored(f"cannot read the scan cache ({err.strerror})")
        return self._parse(data)

    def _parse(self, data: bytes) -> dict[str, bytes]:
        head, _, body = data.partition(b"\n")
        if head != cache_header().encode("utf-8"):
            return {} if _other_version(head) else self._ignored("not a scan cache of this format")
        lines = {}
        damaged = 0
        for line in body.split(b"\n"):
            if intact(line) and line.count(b"\t") == 3:
                lines[line[9 : line.index(b"\t", 9)].decode("ascii", "replace")] = line
            elif line:
                damaged += 1
        stats = _stats(lines.pop(_STATS, b""))
        if damaged or stats is None:
            count = damaged or 1  # the stats line itself
            self.notes.append(self._note(f"{count:,} damaged {'entry' if count == 1 else 'entries'} ignored; their files are parsed again"))
        self._stats = stats or {}
        self._facts = FactsFile.open(self._facts.path, self._facts.shown)
        return lines

    def _ignored(self, why: str) -> dict[str, bytes]:
        self.notes.append(self._note(f"{why}; ignored, every file is parsed again"))
        return {}

    def _note(self, message: str) -> Diagnostic:
        return Diagnostic(Location(display_path(self.path)), message, Severity.WARNING)

    def text_digest(self, shown: str, path: str | Path) -> str | None:
        """The digest of the file's text as last read, if its stat says it has not changed since.

        Like git's index: size, inode, and modification and change times in nanoseconds; a file
        modified less than `RACY_NS` before the cache was written is read again (a write within
        the same clock tick as the one recorded would not move its times).
        """
        record = self._record(shown)
        if record is None:
            return None
        try:
            now = file_stat(path)
        except OSError:
            return None
        if record[:4] != now or now[2] > record[5] - RACY_NS:
            return None
        self._seen[shown] = record
        return str(record[4])

    def _record(self, shown: str) -> list[Any] | None:
        return self._stats.get(shown)

    def stat_record(self, shown: str) -> list[int] | None:
        """A file's stat, as saved (size, inode, mtime, ctime, when it was first saved), or None."""
        record = self._seen.get(shown)
        return None if record is None or self.written is None else [*record[:4], self.written if record[5] == 0 else record[5]]

    def unpin(self) -> None:
        """(A `parsers.cache_pinned.PinnedCache` reads its manifest as any cache does from here on.)"""

    def header(self, shown: str) -> str:
        """The dialect the header comment of a file `text_digest` vouched for names, or ""."""
        return str(self._seen[shown][6])

    def remember(self, shown: str, stat: list[int], text_digest: str, header: str) -> None:
        """The file was read, with this `stat` taken before reading; its text had this digest and header dialect."""
        self._seen[shown] = [*stat, text_digest, 0, header]

    def get(self, key: str) -> Entry | None:
        line = self._lines.get(key)
        if line is None:
            self.misses += 1
            return None
        try:
            _, _, head, where = line.split(b"\t", 3)
            summary, journal = _decode(head.decode("utf-8"))  # as text: `json.loads` of bytes sniffs their encoding first
            blob = Blob(self._facts, key, *parse_ref(where))
            entry = (lazily(summary, blob, self._facts.shown), list(map(tuple, journal)))
        except (KeyError, TypeError, ValueError):
            self.misses += 1
            return None
        self._used[key] = line
        self._sizes[key] = blob.length + 1
        self.hits += 1
        self.hit_keys.add(key)
        return entry

    @property
    def vouched(self) -> Mapping[str, list[bytes]]:
        """The kept rows whose stats vouched for their files (a `parsers.cache_pinned.PinnedCache`'s)."""
        return {}

    def holds_all(self, keys: Iterable[str]) -> set[str] | None:
        """None when the cache holds every key; else the keys it does not hold."""
        lines = self._lines
        missing = {k for k in keys if k not in lines}
        return missing or None

    def release(self, keys: Iterable[str]) -> None:
        """(Entries not used are dropped on save: only a `parsers.cache_pinned.PinnedCache` is told which.)"""

    def saved(self, key: str) -> bool:
        """Whether saving keeps the entry (used or put by this scan)."""
        return key in self._used or key in self._new

    def keep(self, keys: Iterable[str]) -> None:
        """Entries the kept scan result vouches for: counted as reused and saved again as read,
        never decoded (their sizes in the facts file are read from their lines only if saving asks)."""
        lines, used, hit = self._lines, self._used, self.hit_keys
        for key in keys:
            used[key] = lines[key]
            hit.add(key)

    def put(self, key: str, scanned: ScannedFile, journal: Sequence[SchemaOp]) -> None:
        head = json.dumps([scanned.summary(), [list(op) for op in journal]], separators=(",", ":"))
        facts = scanned.facts_data()
        facts = facts if isinstance(facts, str) else facts.decode("utf-8")
        self._used.pop(key, None)
        self._new[key] = (head, sealed(f"{key}\t{facts}").encode("utf-8"))

    def save(self) -> None:
        """Append the changed entries' facts (or rewrite the facts file when most of it is
        garbage), then replace the manifest. A failure (a full disk, a read-only folder) is a note,
        not an error: the cache only saves work, and the scan's result does not depend on it.
        Killed at any point, the manifest on disk is the old or the new one, and either names
        only facts that its entries' checks accept (see `parsers/cache_facts.py`)."""
        written = self.written = time.time_ns()
        stats = {shown: record[:5] + [written if record[5] == 0 else record[5], record[6]] for shown, record in sorted(self._seen.items())}
        head = [cache_header().encode("utf-8"), sealed(f"{_STATS}\t\t{json.dumps(stats, separators=(',', ':'))}").encode("utf-8")]
        held: list[tuple[Any, str]] = []  # open temp files (locked until renamed) and their paths
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            sweep_temps(self.path.parent)
            entries = self._appended() if self._facts.fd is not None else None
            if entries is None:
                entries = self._rewritten(held)
            body = [*head, *(entries[key] for key in sorted(entries))]
            manifest = write_temp(self.path.parent, body, held)
            for handle, tmp in held:
                os.replace(tmp, self.path if tmp == manifest else self._facts.path)
            self.pin = (lines_crc(body), sum(line_size(line) for line in entries.values()))
            self.saved_keys = set(entries)
        except OSError as err:
            self.notes.append(self._note(f"cannot write the scan cache ({err.strerror}); the next scan parses every file again"))
        finally:
            for handle, tmp in held:
                with contextlib.suppress(OSError):  # the write's failure is the note; its unflushed rest fails again here
                    handle.close()
                if os.path.lexists(tmp):
                    Path(tmp).unlink(missing_ok=True)

    def _live(self) -> int:
        sizes = self._sizes
        return sum(sizes[key] if key in sizes else line_size(line) for key, line in self._used.items()) + sum(len(line) + 1 for _, line in self._new.values())

    def _appended(self) -> dict[str, bytes] | None:
        """The manifest's lines after appending the new entries' facts to the facts file this scan
        read; None when that file is gone or replaced, or would be mostly garbage."""
        try:
            fd = os.open(self._facts.path, os.O_WRONLY | os.O_APPEND | os.O_NOFOLLOW)  # a link: rewritten by rename
        except OSError:
            return None
        with os.fdopen(fd, "ab") as handle:
            fcntl.flock(fd, fcntl.LOCK_EX)  # two scans appending: each offset is the end it wrote at
            found = os.fstat(fd)
            if found.st_ino != self._facts.inode or found.st_size > GARBAGE_RATIO * self._live() + GARBAGE_SLACK:
                return None
            lines = dict(self._used)
            offset = found.st_size
            for key in sorted(self._new):
                head, facts = self._new[key]
                handle.write(facts + b"\n")
                lines[key] = sealed(f"{key}\t{head}\t{ref(offset, len(facts))}").encode("utf-8")
                offset += len(facts) + 1
            handle.flush()
        return lines

    def _rewritten(self, held: list[tuple[Any, str]]) -> dict[str, bytes]:
        """The manifest's lines for a new facts file of the live entries alone (its temp file in `held`)."""
        facts: list[bytes] = []
        lines: dict[str, bytes] = {}
        offset = 0
        for key in sorted({*self._used, *self._new}):
            if key in self._new:
                head, line = self._new[key]
            else:
                _, _, raw, where = self._used[key].split(b"\t", 3)
                try:
                    line = self._facts.read(key, *parse_ref(where))
                except (CacheDamaged, ValueError):
                    continue  # parsed again next time
                head = raw.decode("utf-8")
            facts.append(line)
            lines[key] = sealed(f"{key}\t{head}\t{ref(offset, len(line))}").encode("utf-8")
            offset += len(line) + 1
        write_temp(self.path.parent, facts, held)
        return lines


def lines_crc(lines: list[bytes]) -> int:
    """The CRC-32 of the file `write_temp` writes of these lines."""
    crc = 0
    for line in lines:
        crc = zlib.crc32(b"\n", zlib.crc32(line, crc))
    return crc


def line_size(line: bytes) -> int:
    """An entry's bytes in the facts file, from its line's reference (0 if that is damaged: a
    garbage estimate, and the entry's read fails its checks)."""
    try:
        return int(line[line.rindex(b",") + 1 :]) + 1
    except ValueError:
        return 0


_decode = json.JSONDecoder().decode
_STATS = "stats"  # the line of file stats (entry keys are hex digests: never this)
RACY_NS = 2_000_000_000


_TEMP = (".scan-cache.", ".tmp")


def sweep_temps(folder: Path) -> None:
    """Remove the temp files of cache writers that were killed before renaming theirs: a writer
    holds a lock on its temp file until the rename, so a temp file whose lock we can take has no
    writer left (the kernel drops a killed process's locks)."""
    for stale in folder.glob(f"{_TEMP[0]}*{_TEMP[1]}"):
        try:
            fd = os.open(stale, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            stale.unlink(missing_ok=True)
        except OSError:
            pass  # a live writer's
        finally:
            os.close(fd)


def write_temp(folder: Path, lines: list[bytes], held: list[tuple[Any, str]]) -> str:
    """A temp file of `lines`, locked until it is renamed (see `sweep_temps`), appended to `held`."""
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=_TEMP[0], suffix=_TEMP[1])
    handle = os.fdopen(fd, "wb")
    held.append((handle, tmp))
    # ours until it is renamed; a sweep between mkstemp and here removes it, and the rename's
    # failure is this save's note: the next scan writes the cache
    fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
    if lines:  # joined: one copy of ~7 MB at 10,000 files costs less than two writes per line
        handle.write(b"\n".join(lines))
        handle.write(b"\n")
    handle.flush()
    return tmp


def facts_path(manifest: Path) -> Path:
    return manifest.with_name(manifest.stem + ".facts")


def _stats(line: bytes) -> dict[str, list[Any]] | None:
    """The stats line's records, or None when they are not of the shape `text_digest` reads."""
    if not line:
        return {}
    try:
        stats = json.loads(line.split(b"\t", 3)[3])
    except (IndexError, ValueError):
        return None
    if not isinstance(stats, dict) or not all(type(r) is list and len(r) == 7 for r in stats.values()):
        return None
    # the types of all 70,000 values at once (JSON's only: bool is an int, as isinstance saw it)
    return stats if {type(x) for r in stats.values() for x in r} <= {int, str, bool} else None


def _other_version(head: bytes) -> bool:
    """A scan cache that another version of lineage wrote: replaced quietly, as upgrading expects."""
    try:
        header = json.loads(head)
    except ValueError:
        return False
    return isinstance(header, dict) and header.get("format") == FORMAT


def file_stat(path: str | Path) -> list[int]:
    found = os.stat(path)
    return [found.st_size, found.st_ino, found.st_mtime_ns, found.st_ctime_ns]


def cache_header() -> str:
    if not _HEADER:
        _HEADER.append(_made_header())
    return _HEADER[0]


_HEADER: list[str] = []


def _made_header() -> str:
    # JSON escapes every tab and newline inside a string, so neither ever splits a part
    return json.dumps({"format": FORMAT, "version": f"{VERSION}/sqlglot-{_sqlglot_version()}/code-{code_digest()}"}, separators=(",", ":"))


_CODE: list[str] = []


def code_digest() -> str:
    """A digest of the code that makes facts (parsers/ and lineage/, ~120 files, ~4 ms): facts that
    another version of the extractor made are never served, whether or not VERSION was bumped."""
    if not _CODE:
        found = hashlib.blake2b(digest_size=8)
        for package in (Path(__file__).parent, Path(__file__).parent.parent / "lineage"):
            for path in sorted(package.rglob("*.py")):
                if "__pycache__" not in path.parts:
                    found.update(path.relative_to(package.parent).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
        _CODE.append(found.hexdigest())
    return _CODE[0]


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
