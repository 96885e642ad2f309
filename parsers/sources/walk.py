"""`os.walk` that also says which files are symbolic links, from the directory listing itself.

A scan of ten thousand files asked each one `is_symlink()` (an `lstat` call per file) to refuse
links out of the scanned folders; the listing's entry type already says it (`d_type` on Linux),
so only links cost a system call (see `Root.holds_entry`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator


def walk(top: str | os.PathLike[str], onerror: Callable[[OSError], None]) -> Iterator[tuple[str, list[str], list[str], set[str]]]:
    """(folder, dirs, files, links) top-down like `os.walk(top, onerror=...)`: prune `dirs` in
    place; linked folders are listed in `dirs` but not entered; `links` are the files that are links."""
    pending = [os.fspath(top)]
    while pending:
        folder = pending.pop()
        dirs, files, links, linked_dirs = [], [], set(), set()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    try:
                        is_dir = entry.is_dir()
                    except OSError:
                        is_dir = False
                    (dirs if is_dir else files).append(entry.name)
                    if entry.is_symlink():
                        (linked_dirs if is_dir else links).add(entry.name)
        except OSError as err:
            onerror(err)
            continue
        yield folder, dirs, files, links
        # reversed onto a stack: the folders are entered in the order `dirs` holds them
        pending.extend(os.path.join(folder, d) for d in reversed(dirs) if d not in linked_dirs)
