"""Bounded zip reading for packaged BI files (Tableau `.twbx`/`.tdsx`, Superset export zips).

Nothing is extracted to disk: members are read into memory, each up to the size limit whatever its
header claims and all of them together up to `MAX_UNPACKED_FILES` times that limit, so a zip bomb
costs that much at most. A member whose path is absolute or climbs out (`../`) is refused by name.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable
from typing import BinaryIO
from pathlib import PurePosixPath

from lineage.model import Diagnostic, Location

MAX_ZIP_MEMBERS = 10_000
MAX_UNPACKED_FILES = 16  # the whole archive unpacks to at most this many times the per-file limit

Members = dict[str, "bytes | Diagnostic"]


def unsafe_member(name: str) -> bool:
    path = PurePosixPath(name.replace("\\", "/"))
    return path.is_absolute() or ".." in path.parts or ":" in (path.parts[0] if path.parts else "")


def read_zip(shown: str, data: bytes | BinaryIO, pick: Callable[[list[str]], Iterable[str]], max_bytes: int | None) -> Members | Diagnostic:
    """The bytes of the members `pick` chooses from the archive's file names (or why each is not
    read), or why the archive is not read at all. `data`: the zip, or a seekable file holding it (only
    its directory and the chosen members are read)."""
    budget = max_bytes * MAX_UNPACKED_FILES if max_bytes else None
    found: Members = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                return Diagnostic(Location(shown), f"packaged file has {len(members)} members (more than {MAX_ZIP_MEMBERS}); not read")
            by_name = {m.filename: m for m in members if not m.is_dir()}
            for name in pick(list(by_name)):
                if unsafe_member(name):
                    found[name] = Diagnostic(Location(shown), f"member {name!r} has an unsafe path (absolute or climbing out with ..); not read")
                    continue
                limit = max_bytes if budget is None or max_bytes is None else min(max_bytes, budget)
                with archive.open(by_name[name]) as member:
                    text = member.read(limit + 1) if limit is not None else member.read()
                if max_bytes and len(text) > max_bytes:
                    found[name] = Diagnostic(Location(shown), f"{name} unpacks to more than {max_bytes // 2**20} MB (a zip bomb or a data extract); not read")
                elif limit is not None and len(text) > limit:
                    return Diagnostic(Location(shown), f"members unpack to more than {budget // 2**20 if budget else 0} MB in all (a zip bomb?); not read")
                else:
                    found[name] = text
                if budget is not None:
                    budget -= len(text)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError, NotImplementedError, ValueError) as err:
        return Diagnostic(Location(shown), f"not a readable zip ({err}); not read")
    return found
