"""The plain SQL files of a scan: each text's digest, and the text itself only when it is parsed.

A re-scan of ten thousand files after one edit parses one file; reading and hashing the other
9,999 was a sixth of its time. The scan cache remembers each file's stat and text digest, so an
unchanged file is neither read nor hashed unless its facts must be extracted again.
"""

from __future__ import annotations

from pathlib import Path

from lineage.digests import text_digest
from lineage.model import Diagnostic, Location
from parsers.cache import ScanCache, file_stat
from parsers.paths import display_path


class SqlTexts:
    def __init__(self, paths: dict[str, Path], cache: ScanCache | None, max_bytes: int | None = None) -> None:
        self._paths = paths  # shown path -> file
        self._cache = cache
        self._max_bytes = max_bytes
        self._texts: dict[str, str | Diagnostic] = {}
        self.digests: dict[str, str] = {}  # shown path -> its text's sha256, for every readable file
        self.stale: set[str] = set()  # changed after its digest was taken: its facts must not be cached
        for shown, path in paths.items():
            known = cache.text_digest(shown, path) if cache is not None else None
            if known is None:
                self._take(shown)
            else:
                self.digests[shown] = known

    def names(self) -> list[str]:
        return sorted(self._paths)

    def text(self, shown: str) -> str | Diagnostic:
        return self._texts[shown] if shown in self._texts else self._take(shown)

    def _take(self, shown: str) -> str | Diagnostic:
        path = self._paths[shown]
        try:
            stat = file_stat(path)  # before reading: a write after it changes it again
        except OSError:
            stat = None
        text = self._texts[shown] = read_text(path, self._max_bytes)
        if not isinstance(text, str):
            return text
        digest = text_digest(text)
        if self.digests.setdefault(shown, digest) != digest:
            self.stale.add(shown)  # edited during this scan, after its stat was trusted
        elif stat is not None and self._cache is not None:
            self._cache.remember(shown, stat, digest)
        return text


def read_text(path: Path, max_bytes: int | None = None) -> str | Diagnostic:
    """The file's text, or why it cannot be scanned: not UTF-8, unreadable, or over `max_bytes`
    (a 20 MB data dump takes sqlglot many minutes, and holds no lineage worth the wait)."""
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            message = f"{size / 2**20:.1f} MB, more than --max-file-mb {max_bytes / 2**20:g}: not scanned (a data dump?); raise the limit to scan it"
            return Diagnostic(Location(display_path(path)), message)
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        return Diagnostic(Location(display_path(path)), f"not UTF-8 text (byte {err.start}); re-save it as UTF-8")
    except OSError as err:
        return Diagnostic(Location(display_path(path)), f"cannot read: {err.strerror}")
