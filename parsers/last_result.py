"""The last scan's result, kept beside the scan cache (`scan-cache.result`): what a re-scan of
plain SQL files needs of each unchanged file, without decoding it.

A one-file re-scan of 10,000 files decoded every unchanged file's cached summary and schema journal,
replayed every journal, fingerprinted every file and checked the catalog against every table, to
learn what the last scan had already found. This file keeps, per file, one line of fields that the
next scan compares as bytes (its stat, text digest and header dialect), the cache keys of its two
passes, its graph's fingerprint, its counts, and the last name parts of the tables its schema
journal and its reads name; beside them the whole scan's tables, canonical names and catalog check,
and the CRC of the cache manifest saved with it (`parsers/cache_pinned.py` reads that manifest by
the rows alone). A re-scan then decodes only the changed files' lines and the few their
tables reach: a schema operation reaches only tables of the same last name part (`resolve` looks
no further), and `rename_table` joins two such parts, so the schema a re-scan needs is replayed
from the journals naming those parts alone.

Trusted only when all of it is what was written: the header names the cache's format and code, the
scan's settings and a CRC of the rest; anything else is ignored (said in one line when it is not
merely another version's or another scan's), and the scan replays everything as before.
"""

from __future__ import annotations

import json
import os
import tempfile
import zlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lineage.catalog import Catalog, Unmatched
from lineage.digests import digest
from lineage.model import Diagnostic, FileFacts, Location, Severity
from parsers.cache import ScanCache
from parsers.cache_facts import CacheDamaged
from parsers.scanned import ScannedFile
from parsers.sources.paths import display_path
from parsers.sql.schema import SchemaOp, SchemaRegistry

if TYPE_CHECKING:
    from parsers.cache_pinned import Pin
    from parsers.texts import SqlTexts

FORMAT = "lineage-scan-result"
VERSION = 1

# a line's fields, tab-separated: the text fields never hold a tab (paths with one are never kept),
# the lists are JSON (which escapes tabs and newlines)
PATH, TEXT, HEADER, FIRST, SECOND, MARK, STATEMENTS, EDGES, DIAGNOSED, DECLARES, READS, TABLES, STAT = range(13)
FIELDS = 13


def result_path(cache: Path) -> Path:
    return cache.with_name(cache.stem + ".result")


def last_part(table: str) -> str:
    return table.rsplit(".", 1)[-1]


def declared_parts(journal: Sequence[SchemaOp]) -> set[str]:
    """The last name parts of every table a journal's operations name (both of a rename's)."""
    parts = set()
    for op, table, *args in journal:
        parts.add(last_part(str(table)))
        if op == "rename_table":
            parts.add(last_part(str(args[0])))
    return parts


def _names(values: Iterable[str]) -> bytes:
    found = sorted(values)
    return _LIST(found).encode("utf-8") if found else b"[]"


# `json.dumps` with options builds an encoder per call: 30,000 lists a full scan keeps
_LIST = json.JSONEncoder(separators=(",", ":")).encode


def names_any(field: bytes, wanted: Iterable[bytes]) -> bool:
    """Whether a JSON list of names holds any of `wanted` (each JSON-encoded): a match of the quoted
    name as bytes, never decoded; an escaped quote can only make it match more, never less."""
    return any(w in field for w in wanted)


def quoted_names(names: Iterable[str]) -> list[bytes]:
    return [json.dumps(n).encode("utf-8") for n in names]


class KeptFile:
    """An unchanged file as the last scan left it: its counts at hand, the rest (its summary, its
    facts) taken from the scan cache only if something asks for them."""

    __slots__ = ("path", "statements", "edges", "_diagnosed", "_key", "_cache", "_scanned")

    def __init__(self, row: list[bytes], cache: ScanCache) -> None:
        self.path = row[PATH].decode("utf-8")
        self.statements, self.edges = int(row[STATEMENTS]), int(row[EDGES])
        self._diagnosed = row[DIAGNOSED] == b"1"
        self._key = (row[SECOND] or row[FIRST]).decode("ascii")
        self._cache = cache
        self._scanned: ScannedFile | None = None

    def scanned(self) -> ScannedFile:
        if self._scanned is None:
            entry = self._cache.get(self._key)
            if entry is None:  # the cache held the key when the scan began: only damage removes it
                raise CacheDamaged(f"the kept scan result names facts the cache does not hold for {self.path}", Location(display_path(self._cache.path)))
            self._scanned = entry[0]
        return self._scanned

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        return self.scanned().diagnostics if self._diagnosed else ()

    @property
    def digest(self) -> str:
        return self.scanned().digest

    @property
    def tables(self) -> tuple[str, ...]:
        return self.scanned().tables

    @property
    def reads(self) -> tuple[str, ...]:
        return self.scanned().reads

    @property
    def facts(self) -> FileFacts:
        return self.scanned().facts


class LastResult:
    """The kept result read back (or none), and what this scan found, to be kept in its place."""

    def __init__(self, path: Path, settings: str) -> None:
        self.path, self.settings = path, settings
        self.notes: list[Diagnostic] = []
        self.rows: dict[str, list[bytes]] = {}
        self.raw: dict[str, bytes] = {}  # each row's line, as read: written back as it was when the row stands
        self.tables: dict[str, int] = {}  # every table the kept files name, with how many name it
        self.canonical_map: dict[str, str] = {}  # the names canonicalised to another, as the last scan did
        self.kept_catalog_mark = ""  # the catalog's graph's fingerprint, as the last scan made it
        self.stood = False  # whether the kept catalog check stands for this scan
        self.checked: list[str] = []  # the tables whose columns the catalog check read
        self.unmatched: list[Unmatched] = []
        self.trusted = False
        self.keepable = True  # every file this scan found has its row (else nothing is kept)
        self.manifest: tuple[int, int] | None = None  # the CRC of the cache's manifest saved with it, and its facts' live bytes
        self.cache: ScanCache | None = None  # this scan's, whose saved stats the rows take
        self._names: set[str] = set()
        self.counts: dict[str, int] = {}
        # this scan's: what replaced the rows, and what the api records after writing the store
        self.current: dict[str, list[bytes]] = {}
        self.changed: set[str] = set()  # files whose kept row did not stand (changed, added, removed)
        self.marks: dict[str, str] = {}
        self.replayed: tuple[frozenset[str], SchemaRegistry] | None = None  # the parts a re-scan replayed, and their schema
        self.moved: dict[str, str] = {}

    @classmethod
    def load(cls, path: Path, settings: str) -> LastResult:
        found = cls(path, settings)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return found
        except OSError as err:
            found._ignored(f"cannot read the kept scan result ({err.strerror})")
            return found
        head, _, body = data.partition(b"\n")
        try:
            header = json.loads(head)
        except ValueError:
            header = None
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            found._ignored("not a kept scan result")
        elif header.get("version") == VERSION and header.get("settings") == settings:  # else another version's or scan's: quietly
            if header.get("crc") != zlib.crc32(body) or not found._read(body):
                found._ignored("the kept scan result is damaged")
            elif isinstance(header.get("manifest"), list) and len(header["manifest"]) == 2 and all(type(n) is int for n in header["manifest"]):
                found.manifest = (header["manifest"][0], header["manifest"][1])
        return found

    def _ignored(self, why: str) -> None:
        self.notes.append(Diagnostic(Location(display_path(self.path)), f"{why}; ignored, the scan's schema and catalog check are made again", Severity.WARNING))

    def _read(self, body: bytes) -> bool:
        lines = body.split(b"\n")
        try:
            whole = json.loads(lines[0])
            tables, canonical, checked, unmatched, mark = whole["tables"], whole["canonical"], whole["checked"], whole["unmatched"], whole["catalog_mark"]
            if not (_str_map(tables, int) and _str_map(canonical, str) and isinstance(checked, list) and all(type(t) is str for t in checked) and type(mark) is str):
                return False
            unmatched = [Unmatched(str(n), str(m), Location(str(f), int(line)) if f is not None else None, str(h)) for n, m, f, line, h in unmatched]
            rows, raw = {}, {}
            for line in lines[1:]:
                row = line.split(b"\t")
                if len(row) != FIELDS or not (row[STATEMENTS].isdigit() and row[EDGES].isdigit()):
                    return False
                shown = row[PATH].decode("utf-8")
                rows[shown], raw[shown] = row, line
        except (KeyError, IndexError, TypeError, ValueError):
            return False
        self.tables, self.canonical_map, self.checked, self.unmatched, self.kept_catalog_mark, self.rows, self.raw = tables, canonical, checked, unmatched, mark, rows, raw
        self.trusted = True
        return True

    def standing(self, names: Iterable[str], texts: Mapping[str, str], headers: Mapping[str, str], cache: ScanCache) -> dict[str, list[bytes]]:
        """The kept rows of the files whose text (as the cache's stats vouch) and header are as kept,
        and whose cached entries are still there; the others are scanned as changed."""
        rows, vouched, found = self.rows, cache.vouched, {}
        for shown in names:
            row = rows.get(shown)
            if row is None:
                continue
            if vouched.get(shown) is row:  # its own stat vouched for the file (the pinned cache's): its text and header hold
                found[shown] = row
            elif shown in texts and row[TEXT] == texts[shown].encode("ascii") and row[HEADER] == headers[shown].encode("utf-8"):
                # the same text, vouched for otherwise (read again, or the cache's stats): its stat is the cache's now
                found[shown] = [*row[:STAT], b""]
        held = cache.holds_all(k.decode("ascii") for row in found.values() for k in (row[FIRST], row[SECOND]) if k)
        return found if held is None else {s: row for s, row in found.items() if row[FIRST].decode("ascii") not in held and row[SECOND].decode("ascii") not in held}

    def names(self) -> set[str]:
        """`lineage.graph.KnownMarks`: every table the scanned files name, kept rows and changed files alike."""
        return self._names

    def canonical(self) -> dict[str, str] | None:
        """The kept canonical names, when this scan's files name the tables the kept ones did (the
        catalog is the same: the settings name it)."""
        return self.canonical_map if self.trusted and self._names == self.tables.keys() else None

    def catalog_mark(self) -> str | None:
        """The catalog's kept fingerprint, when its check stood and the files name the same tables."""
        return self.kept_catalog_mark or None if self.stood and self._names == self.tables.keys() else None

    def marks_for(self, moved: Mapping[str, str]) -> dict[str, str]:
        """The kept fingerprints that stand under these canonical names: those of files naming no
        table whose canonical name moved since the last scan."""
        shifted = {n for n in {*moved, *self.canonical_map} if moved.get(n) != self.canonical_map.get(n)}
        wanted = quoted_names(shifted)
        return {s: row[MARK].decode("ascii") for s, row in self.current.items() if s not in self.changed and not (wanted and names_any(row[TABLES], wanted))}

    def record(self, moved: Mapping[str, str], marks: Mapping[str, str]) -> None:
        """`lineage.graph.KnownMarks`: the canonical names, and the fingerprint of every source but
        those whose kept fingerprint stood and matched the store's."""
        self.moved, self.marks = dict(moved), dict(marks)

    def add(self, scanned: ScannedFile, first: tuple[ScannedFile, Sequence[SchemaOp]], keys: tuple[str | None, str], texts: SqlTexts, cache: ScanCache) -> None:
        """A file's new row, from its result, its first pass's and their cache keys; none kept at all
        when its entries are not cached (edited while read, a statement over its time budget)."""
        found, journal = first
        if keys[0] is None or not cache.saved(keys[0]) or (found.unsettled and not cache.saved(keys[1])):
            self.keepable = False
            return
        shown = scanned.path
        self.current[shown] = row_of(scanned, texts.digests[shown], texts.headers[shown], (keys[0], keys[1]), declared_parts(journal), found.reads if found.unsettled else ())

    def set_counts(self, counts: dict[str, int]) -> None:
        """How many of this scan's files name each table."""
        self.counts, self._names = counts, set(counts)

    def save(self, catalog: Catalog | None, checked: Iterable[str]) -> None:
        """Keep this scan's result, once the store holds it; or none, when some file has no row."""
        rows = self.current
        if not self.keepable or self.cache is None:
            forget(self.path)
            return
        for shown, row in rows.items():
            found = self.marks.get(shown)
            if found is None and (shown in self.changed or shown not in self.rows):  # a changed file's fingerprint is always made
                forget(self.path)
                return
            mark = found.encode("ascii") if found is not None else row[MARK]
            if row[MARK] != mark:  # a copy: the row read stays as its line says
                row = rows[shown] = [*row[:MARK], mark, *row[MARK + 1 :]]
            if not row[STAT]:
                stat = self.cache.stat_record(shown)
                if stat is None:  # read but not vouched for (edited while read), or the cache not saved
                    forget(self.path)
                    return
                row[STAT] = ",".join(map(str, stat)).encode("ascii")
        write(self, rows, catalog, checked)

    def forget(self) -> None:
        forget(self.path)

    def pinned(self) -> Pin | None:
        """What vouches for the cache's manifest, when this result was saved with it."""
        if not self.trusted or self.manifest is None:
            return None
        from parsers.cache_pinned import Pin

        return Pin(self.manifest[0], self.manifest[1], self.rows)

    def check_stands(self, catalog: Catalog | None, files: Sequence[Any]) -> Catalog | None:
        """The catalog with the kept check's unmatched names, when that check still holds: the same
        catalog (the settings name it), the same tables, and no changed file naming (now or before) a
        table whose columns it read; else None (the check is made again)."""
        if catalog is None or not self.trusted or self._names != self.tables.keys():
            return None
        wanted = set(self.checked)
        for shown in self.changed:
            old = self.rows.get(shown)
            if old is not None and wanted.intersection(json.loads(old[TABLES])):
                return None
        if any(wanted.intersection(f.tables) for f in files if f.path in self.changed):
            return None
        from dataclasses import replace

        self.stood = True
        return replace(catalog, unmatched=tuple(self.unmatched))


def _str_map(value: object, kind: type) -> bool:
    return isinstance(value, dict) and all(type(k) is str and type(v) is kind for k, v in value.items())


def catalog_digest(catalog: Catalog) -> str:
    from dataclasses import replace

    return digest(repr(replace(catalog, unmatched=())))


def settings_digest(*parts: object) -> str:
    return digest(*(str(p) for p in parts))


def partial_schema(base: SchemaRegistry, parts: set[str], journals: Mapping[str, Sequence[SchemaOp]]) -> SchemaRegistry:
    """The whole scan's schema as far as tables of the last name parts `parts` go: `base`, then the
    operations of `journals` (by shown path, in path order) naming those parts. `parts` must be
    closed under the journals' renames (see `LastResult`), so that no operation replayed reads a
    table left out."""
    schema = base.copy()
    for shown in sorted(journals):
        schema.replay([op for op in journals[shown] if last_part(str(op[1])) in parts])
    return schema


def write(last: LastResult, rows: Mapping[str, list[bytes]], catalog: Catalog | None, checked: Iterable[str]) -> None:
    """Replace the kept result (a temp file, renamed): the rows, this scan's tables, canonical names
    and catalog check. A failure is a note: the next scan replays everything."""
    whole = {
        "tables": last.counts,
        "canonical": last.moved,
        "checked": sorted(checked),
        "unmatched": [[u.name, u.message, u.at.file if u.at else None, u.at.line if u.at else 0, u.hint] for u in (catalog.unmatched if catalog else ())],
        "catalog_mark": last.marks.get(catalog.path, "") if catalog else "",
    }
    lines = [last.raw[s] if rows[s] is last.rows.get(s) else b"\t".join(rows[s]) for s in sorted(rows)]
    body = b"\n".join([json.dumps(whole, separators=(",", ":")).encode("utf-8"), *lines])
    header = json.dumps({"format": FORMAT, "version": VERSION, "settings": last.settings, "crc": zlib.crc32(body), "manifest": _pin(last.cache, rows)}, separators=(",", ":")).encode("utf-8")
    try:
        fd, tmp = tempfile.mkstemp(dir=last.path.parent, prefix=".scan-result.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(header + b"\n" + body)
            os.replace(tmp, last.path)
        finally:
            if os.path.lexists(tmp):
                os.unlink(tmp)
    except OSError as err:
        last.notes.append(Diagnostic(Location(display_path(last.path)), f"cannot write the kept scan result ({err.strerror}); the next scan makes its schema and catalog check again", Severity.WARNING))


def _pin(cache: ScanCache | None, rows: Mapping[str, list[bytes]]) -> tuple[int, int] | None:
    """The cache's saved manifest, when it holds every row's entries (a facts file that could not
    be read drops the entries it held): the next scan may read it by the rows alone."""
    if cache is None or cache.pin is None:
        return None
    saved = cache.saved_keys
    return cache.pin if saved is None or all(k.decode("ascii") in saved for row in rows.values() for k in (row[FIRST], row[SECOND]) if k) else None


def forget(path: Path) -> None:
    """No kept result: this scan's cannot be kept (a file uncached, a source of another kind)."""
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def row_of(scanned: ScannedFile, text: str, header: str, keys: tuple[str, str], declares: set[str], reads: Iterable[str]) -> list[bytes]:
    """A file's kept row; its fingerprint is filled in once the store is written."""
    return [
        scanned.path.encode("utf-8"),
        text.encode("ascii"),
        header.encode("utf-8"),
        keys[0].encode("ascii"),
        keys[1].encode("ascii"),
        b"",
        str(scanned.statements).encode("ascii"),
        str(scanned.edges).encode("ascii"),
        b"1" if scanned.diagnostics else b"",
        _names(declares),
        _names({last_part(t) for t in reads}),
        _names(scanned.tables),
        b"",  # its stat, once the cache is saved
    ]
