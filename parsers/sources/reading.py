"""Reading an input file: the one gate every file the tool reads (SQL, Python, YAML, JSON, CSV) passes.

`stat` is no bound: a symlink to /dev/zero says 0 bytes and reads forever, and a FIFO blocks the
reader until someone writes. So the file is opened without blocking, the opened descriptor (not
the name, which may change in between) must be a regular file, and at most the limit and one byte
are read, whatever `stat` said.
"""

from __future__ import annotations

import codecs
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from lineage.model import Diagnostic, Location
from parsers.sources.paths import display_path

# A bigger file is a data dump, not code: sqlglot takes minutes over 20 MB and finds no lineage in it.
DEFAULT_MAX_BYTES = 10 * 2**20
_CHUNK = 2**20
_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"))


class Unreadable(Exception):
    """Why a file is not read, as its one diagnostic."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


_CANNOT_READ = "cannot read: "


def megabytes(mb: float | None) -> int | None:
    """`--max-file-mb` in bytes; 0 or None: no limit."""
    return int(mb * 2**20) if mb else None


def refused_by_the_system(diagnostic: Diagnostic) -> bool:
    """The file could not be opened (permissions, I/O): nothing is known of its text, unlike a file
    that is too big, not UTF-8 or not a regular file, so what a scan stored from it stays."""
    return diagnostic.message.startswith(_CANNOT_READ)


def read_text(path: Path, max_bytes: int | None = DEFAULT_MAX_BYTES, shown: str | None = None) -> str | Diagnostic:
    """The file's text, or why it is not read: not a regular file, over `max_bytes`, unreadable or
    not UTF-8. A leading byte-order mark is dropped; line ends read as `\\n`, as in text mode."""
    where = Location(display_path(path) if shown is None else shown)
    try:
        with open_regular(path, where) as handle:
            return read_stream(handle, where, max_bytes)
    except Unreadable as err:
        return err.diagnostic


def read_stream(stream: BinaryIO, where: Location, max_bytes: int | None) -> str:
    """The text of an open file or pipe (standard input), at most `max_bytes` of it; else `Unreadable`."""
    return decode(read_bounded(stream, where, max_bytes), where)


@contextmanager
def open_regular(path: Path, where: Location) -> Iterator[BinaryIO]:
    """`path` opened for reading when it is a regular file; else `Unreadable`.

    Symlinks are followed (a project may link a shared file in): what the link leads to is judged.
    """
    try:
        _regular(os.stat(path).st_mode, where)  # before opening: opening a device may act on it
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)  # a FIFO swapped in meanwhile cannot block
    except OSError as err:
        raise Unreadable(Diagnostic(where, f"{_CANNOT_READ}{err.strerror}")) from None
    with os.fdopen(fd, "rb", buffering=0) as handle:
        _regular(os.fstat(fd).st_mode, where)
        yield handle  # type: ignore[misc]  # an unbuffered binary file is a BinaryIO


def _regular(mode: int, where: Location) -> None:
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS if test(mode)), "of an unknown kind")
        raise Unreadable(Diagnostic(where, f"not a regular file ({kind}): not scanned"))


def read_bounded(stream: BinaryIO, where: Location, max_bytes: int | None) -> bytes:
    """Everything `stream` holds, when that is at most `max_bytes`; else `Unreadable`."""
    if max_bytes is None:
        return stream.read()
    chunks: list[bytes] = []
    taken = 0
    while taken <= max_bytes:
        chunk = stream.read(min(_CHUNK, max_bytes + 1 - taken))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        taken += len(chunk)
    raise Unreadable(too_big(where, max(taken, _size(stream)), max_bytes))


def too_big(where: Location, size: int, max_bytes: int) -> Diagnostic:
    return Diagnostic(where, f"{size / 2**20:.1f} MB, more than --max-file-mb {max_bytes / 2**20:g}: not scanned (a data dump?); raise the limit to scan it")


def _size(stream: BinaryIO) -> int:
    try:
        return os.fstat(stream.fileno()).st_size
    except (OSError, ValueError):  # a stream with no descriptor
        return 0


def decode(data: bytes, where: Location) -> str:
    """UTF-8 text without a leading byte-order mark (it would glue itself to the first statement)."""
    skip = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        text = str(memoryview(data)[skip:], "utf-8")
    except UnicodeDecodeError as err:
        raise Unreadable(Diagnostic(where, f"not UTF-8 text (byte {err.start + skip}); re-save it as UTF-8")) from None
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
