"""The plain SQL files of a scan: each text's digest, and the text itself only when it is parsed.

A re-scan of ten thousand files after one edit parses one file; reading and hashing the other
9,999 was a sixth of its time. The scan cache remembers each file's stat, text digest and the
dialect its header comment names, so an unchanged file is neither read nor hashed unless its facts
must be extracted again.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from lineage.digests import text_digest
from lineage.model import Diagnostic
from parsers.cache import ScanCache, file_stat
from parsers.sql.dialects import header
from parsers.sources.reading import read_text, refused_by_the_system


class SqlTexts:
    def __init__(self, paths: dict[str, str | Path], cache: ScanCache | None, max_bytes: int | None = None) -> None:
        self._paths = paths  # shown path -> file
        self._cache = cache
        self._max_bytes = max_bytes
        self._texts: dict[str, str | Diagnostic] = {}
        self.digests: dict[str, str] = {}  # shown path -> its text's sha256, for every readable file
        self.headers: dict[str, str] = {}  # shown path -> the dialect its header comment names, or ""
        self.stale: set[str] = set()  # changed after its digest was taken: its facts must not be cached
        self.unreadable: set[str] = set()  # could not be opened: their stored facts are kept
        for shown, path in paths.items():
            known = cache.text_digest(shown, path) if cache is not None else None
            if known is None:
                self._take(shown)
            else:
                self.digests[shown], self.headers[shown] = known, cache.header(shown)

    def names(self) -> list[str]:
        return sorted(self._paths)

    def text(self, shown: str) -> str | Diagnostic:
        return self._texts[shown] if shown in self._texts else self._take(shown)

    def _take(self, shown: str) -> str | Diagnostic:
        path = Path(self._paths[shown])
        try:
            stat = file_stat(path)  # before reading: a write after it changes it again
        except OSError:
            stat = None
        text = self._texts[shown] = read_text(path, self._max_bytes)
        if isinstance(text, Diagnostic) and refused_by_the_system(text):
            # like an unreadable folder: a permission error says nothing of the file's lineage
            self.unreadable.add(shown)
            text = self._texts[shown] = replace(text, message=f"{text.message}; its lineage is kept as stored")
        if not isinstance(text, str):
            return text
        digest = text_digest(text)
        found = header(text)
        self.headers[shown] = found[0] if found else ""
        if self.digests.setdefault(shown, digest) != digest:
            self.stale.add(shown)  # edited during this scan, after its stat was trusted
        elif stat is not None and self._cache is not None:
            self._cache.remember(shown, stat, digest, self.headers[shown])
        return text

