"""The scan cache's facts: one file beside its manifest, appended to, read back by offset.

At 10,000 models the facts are 26 MB, and a one-file re-scan needs those of one file (or of the
few whose graphs it rebuilds). The manifest (`parsers/cache.py`) holds each entry's summary and
where its facts lie; this file holds the facts as `crc TAB key TAB facts` lines, so a re-scan
neither reads nor rewrites what did not change: a changed entry is appended, and the file is
rewritten whole only when most of it is garbage.

An entry's facts are checked when read (CRC and key): a manifest pointing into another version of
this file (a writer killed between the two renames, another scan's rewrite) can only fail that
check, never serve another entry's facts; the failure is `CacheDamaged`, and the scan starts
again without the cache (`lineage.api.scan_into`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from lineage.digests import intact
from lineage.errors import StoreError
from lineage.model import Location

# the file may hold this much more than its live entries (plus a slack) before it is rewritten
GARBAGE_RATIO = 2
GARBAGE_SLACK = 1 << 20


class CacheDamaged(StoreError):
    """Facts the manifest points at are not the ones it wrote: nothing it holds is trusted."""


@dataclass(slots=True)
class FactsFile:
    """The facts file as this scan found it: an open descriptor (reads see this version even if
    another scan replaces the file), and the identity of what it opened."""

    path: Path
    shown: str  # the cache's manifest, as its messages name it
    fd: int | None = None
    inode: int = -1
    size: int = 0  # when opened: the manifest, read before, names nothing past it

    @classmethod
    def open(cls, path: Path, shown: str) -> FactsFile:
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)  # like the manifest, never read or written through a link
        except OSError:
            return cls(path, shown)
        found = os.fstat(fd)
        return cls(path, shown, fd, found.st_ino, found.st_size)

    def read(self, key: str, offset: int, length: int) -> bytes:
        """The whole `crc TAB key TAB facts` line of `key`, checked."""
        # bounded first: an edited manifest's length must not make us allocate it
        data = os.pread(self.fd, length, offset) if self.fd is not None and offset + length <= self.size else b""
        if len(data) != length or not intact(data) or data[9 : 10 + len(key)] != f"{key}\t".encode("ascii"):
            raise CacheDamaged(f"the facts of a cached entry are damaged or missing in {self.path.name}", Location(self.shown))
        return data

    def __del__(self) -> None:
        if self.fd is not None:
            os.close(self.fd)


@dataclass(frozen=True, slots=True)
class Blob:
    """One entry's facts, left in the file until someone asks for them."""

    file: FactsFile
    key: str
    offset: int
    length: int

    def read(self) -> bytes:
        """The facts' JSON."""
        return self.file.read(self.key, self.offset, self.length)[10 + len(self.key) :]

    def line(self) -> bytes:
        return self.file.read(self.key, self.offset, self.length)


def ref(offset: int, length: int) -> str:
    return f"{offset},{length}"


def parse_ref(text: bytes) -> tuple[int, int]:
    """An entry's `offset,length`; ValueError if it is not one."""
    offset, length = text.split(b",")
    found = int(offset), int(length)
    if found[0] < 0 or found[1] <= 0:
        raise ValueError(text)
    return found
