"""One writer at a time per store directory: an exclusive `flock` on the store's lock file.

Both embedded stores (SQLite and JSON) take it around a transaction; readers never do (the JSON store
saves by atomic rename, SQLite's WAL lets readers go on while a writer commits)."""

from __future__ import annotations

import errno
import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from lineage.errors import StoreError

LOCKNAME = "lock"  # in the store's directory, for both embedded stores


@contextmanager
def exclusive(path: Path, timeout: float) -> Iterator[None]:
    """Serialise writers of one store directory; readers need no lock (writes are atomic renames)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # never through a symlink: a checked-out `.lineage/lock` must not make us create files elsewhere
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError as err:
        hint = "if it is a symbolic link, remove it" if err.errno == errno.ELOOP else "is the store's directory writable?"
        raise StoreError(f"{path}: cannot open the store's lock file ({err.strerror})", hint=hint) from None
    with os.fdopen(fd, "a+", encoding="utf-8") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StoreError(f"{path.parent}: another lineage process is writing this store (waited {timeout:.0f} s); try again when it finishes") from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
