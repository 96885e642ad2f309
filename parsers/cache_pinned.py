"""The scan cache when the kept scan result vouches for its manifest (`parsers/last_result.py`).

The kept result names the CRC-32 of the manifest the same scan wrote, and every entry key that
manifest holds (its rows' keys). When the manifest's bytes have that CRC, they are exactly what
was written, so a re-scan need not split, check and index its ~10,000 lines nor decode its stats:
the files' stats are the kept rows', an entry is found in the bytes by its key only when one is
asked for, and saving cuts out the lines of the entries no longer used and appends the new ones
(the facts appended as `ScanCache` does). Whatever this cannot do (the facts file replaced or
mostly garbage) falls back to the manifest read as `ScanCache` reads it.

The manifest's stats line is left as it was: it still describes the files as the scan before
found them, and a stat that no longer matches only makes a scan without the kept result read and
hash that file again. The kept rows hold the new stats.
"""

from __future__ import annotations

import fcntl
import os
import time
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lineage.digests import intact, sealed
from parsers import cache as limits  # GARBAGE_RATIO and GARBAGE_SLACK, read when saving (tests lower them)
from parsers.cache import RACY_NS, ScanCache, lines_crc, line_size, sweep_temps, write_temp
from parsers.cache_facts import FactsFile, ref
from parsers.last_result import HEADER, STAT, TEXT


@dataclass(frozen=True, slots=True)
class Pin:
    crc: int  # of the manifest's bytes, as the last scan wrote them
    live: int  # the bytes of the facts file its entries point at
    rows: Mapping[str, list[bytes]]  # the kept rows, by shown path: each file's stat, text digest and header


class _Found:
    """The manifest's lines, found in its bytes by key when asked for (a key is hex: its tab-framed
    form is found nowhere but at the start of its own line, after the CRC)."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def span(self, key: str) -> tuple[int, int] | None:
        at = self.body.find(b"\t%s\t" % key.encode("ascii"))
        if at < 8:
            return None
        start, end = at - 8, self.body.find(b"\n", at)
        end = len(self.body) if end < 0 else end
        return (start, end) if start == 0 or self.body[start - 1 : start] == b"\n" else None

    def get(self, key: str) -> bytes | None:
        found = self.span(key)
        line = self.body[found[0] : found[1]] if found else None
        return line if line is not None and intact(line) and line.count(b"\t") == 3 else None


class PinnedCache(ScanCache):
    def __init__(self, path: Path, pin: Pin) -> None:
        self._pin = pin
        self._vouched: dict[str, list[bytes]] = {}  # files whose kept row's stat matched
        self._released: set[str] = set()
        self._kept: list[Iterable[str]] = []
        self._head = b""
        self._found: _Found | None = None
        super().__init__(path)

    def _load(self) -> dict[str, bytes]:
        try:
            data = self.path.read_bytes()
        except OSError:
            return super()._load()
        if zlib.crc32(data) != self._pin.crc:
            return self._parse(data)
        head, _, body = data.partition(b"\n")
        self._head, self._found = head + b"\n", _Found(body)
        self._facts = FactsFile.open(self._facts.path, self._facts.shown)
        return {}

    def unpin(self) -> None:
        """Read the manifest as `ScanCache` does: its entries indexed, its stats decoded, and every
        entry this scan reused (the kept ones too) saved again."""
        if self._found is None:
            return
        lines = self._lines = self._parse(self._head + self._found.body)
        self._found = None
        for keys in self._kept:  # all there: the bytes are those saved with the kept rows
            super().keep(keys)
        for shown, row in self._vouched.items():  # saved again as the stats line's records
            size, inode, mtime, ctime, written = map(int, row[STAT].split(b","))  # as text_digest parsed it
            self._seen.setdefault(shown, [size, inode, mtime, ctime, row[TEXT].decode("ascii"), written, row[HEADER].decode("utf-8")])
        self._used.update({k: lines[k] for k in self.hit_keys if k in lines})  # the entries got before

    def text_digest(self, shown: str, path: str | Path) -> str | None:
        """As `ScanCache.text_digest`, from the file's kept row: its stat compared as bytes."""
        if self._found is None:
            return super().text_digest(shown, path)
        row = self._pin.rows.get(shown)
        if row is None:
            return None
        try:
            found = os.stat(path)
        except OSError:
            return None
        stat, now = row[STAT], b"%d,%d,%d,%d," % (found.st_size, found.st_ino, found.st_mtime_ns, found.st_ctime_ns)
        try:
            if not stat.startswith(now) or found.st_mtime_ns > int(stat[len(now) :]) - RACY_NS:
                return None
        except ValueError:
            return None
        self._vouched[shown] = row
        return row[TEXT].decode("ascii")

    def header(self, shown: str) -> str:
        row = self._vouched.get(shown)
        return row[HEADER].decode("utf-8") if row is not None else super().header(shown)

    @property
    def vouched(self) -> Mapping[str, list[bytes]]:
        return self._vouched

    def holds_all(self, keys: Iterable[str]) -> set[str] | None:
        if self._found is None:
            return super().holds_all(keys)
        return None  # the rows' keys, every one saved in the manifest these bytes are (see `last_result._pin`)

    def keep(self, keys: Iterable[str]) -> None:
        """Pinned, the kept entries stay in the manifest as they are (only released ones are cut):
        their keys are taken only if it must be read as any other (`unpin`)."""
        if self._found is None:
            super().keep(keys)
        else:
            self._kept.append(keys)

    def release(self, keys: Iterable[str]) -> None:
        """Entries of the kept rows that no longer stand: cut from the manifest unless this scan used them."""
        self._released.update(keys)

    def saved(self, key: str) -> bool:
        return super().saved(key) or (self._found is not None and key in self.hit_keys)

    def get(self, key: str) -> Any:
        if self._found is not None and key not in self._lines:
            line = self._found.get(key)
            if line is not None:
                self._lines[key] = line
        return super().get(key)

    def save(self) -> None:
        if self._found is None or not self._cut():
            self.unpin()
            super().save()

    def _cut(self) -> bool:
        """Save by cutting the unused entries' lines out of the manifest's bytes and appending the
        new ones; False (nothing written) when the facts file is gone, replaced or mostly garbage."""
        assert self._found is not None
        body = self._found.body
        dropped = self._released - self.hit_keys - self._new.keys()
        spans = sorted(s for k in dropped if (s := self._found.span(k)) is not None)
        live = self._pin.live - sum(line_size(body[a:b]) for a, b in spans) + sum(len(line) + 1 for _, line in self._new.values())
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            sweep_temps(self.path.parent)
            fd = os.open(self._facts.path, os.O_WRONLY | os.O_APPEND | os.O_NOFOLLOW)
        except OSError:
            return False
        self.written = time.time_ns()
        with os.fdopen(fd, "ab") as handle:
            fcntl.flock(fd, fcntl.LOCK_EX)
            found = os.fstat(fd)
            if found.st_ino != self._facts.inode or found.st_size > limits.GARBAGE_RATIO * live + limits.GARBAGE_SLACK:
                self.written = None
                return False
            added, offset = [], found.st_size
            for key in sorted(self._new):
                head, facts = self._new[key]
                handle.write(facts + b"\n")
                added.append(sealed(f"{key}\t{head}\t{ref(offset, len(facts))}").encode("utf-8"))
                offset += len(facts) + 1
            handle.flush()
        kept, at = [], 0
        for a, b in spans:
            kept.append(body[at:a])
            at = b + 1
        kept.append(body[at:].rstrip(b"\n"))
        lines = [self._head.rstrip(b"\n"), b"".join(kept).rstrip(b"\n"), *added]
        held: list[tuple[Any, str]] = []
        try:
            tmp = write_temp(self.path.parent, lines, held)
            os.replace(tmp, self.path)
        except OSError as err:
            self.notes.append(self._note(f"cannot write the scan cache ({err.strerror}); the next scan parses every file again"))
            self.written = None
            return True
        finally:
            for handle_, tmp_ in held:
                handle_.close()
                if os.path.lexists(tmp_):
                    os.unlink(tmp_)
        self.pin = (lines_crc(lines), live)
        self.saved_keys = None  # every kept row's (all reused: none cut) and every new row's (`LastResult.add` checks)
        return True
