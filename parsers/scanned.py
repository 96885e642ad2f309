"""One file's facts as a scan yields them: a summary at hand, the facts themselves built on first use.

Re-scanning ten thousand unchanged files must not rebuild ten thousand `FileFacts` (most of the
cost of a warm scan): the summary says what the scan, the schema and the store need to know, and
only a file whose graph must be rebuilt ever decodes its facts from the cache.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from lineage.digests import text_digest
from lineage.graph import file_tables
from lineage.model import Diagnostic, FileFacts, Location
from parsers.cache_facts import Blob, CacheDamaged
from parsers.records import diagnostic_from, diagnostic_row, from_record, to_record

@dataclass(frozen=True, slots=True, eq=False)
class ScannedFile:
    path: str
    digest: str  # of the facts' content: equal digests, equal facts
    tables: tuple[str, ...]  # every table the facts name, for canonical names
    statements: int
    edges: int
    diagnostics: tuple[Diagnostic, ...]
    reads: tuple[str, ...]  # every relation its statements name: what its facts depend on
    unsettled: bool  # could the whole scan's schema change its facts? (a parse error cannot)
    facts_json: str | bytes | Blob  # the facts as a JSON record, as the scan cache stores them (a Blob: still in its facts file)
    origin: str = ""  # where facts_json was read from, for the message when it is corrupted
    _cell: list[FileFacts] = field(default_factory=list)  # the decoded facts, once asked for

    @property
    def facts(self) -> FileFacts:
        if not self._cell:
            try:
                self._cell.append(from_record(json.loads(self.facts_data())))
            except (KeyError, TypeError, ValueError):  # an edited cache file: nothing is written
                raise CacheDamaged(f"the cached facts of {self.path} are corrupted", Location(self.origin)) from None
        return self._cell[0]

    def facts_data(self) -> str | bytes:
        """The facts' JSON (read from the cache's facts file if it is still there); `CacheDamaged` if it cannot be."""
        return self.facts_json if isinstance(self.facts_json, (str, bytes)) else self.facts_json.read()

    @classmethod
    def of(cls, facts: FileFacts) -> ScannedFile:
        """A freshly extracted file (in a worker process too: the result pickles)."""
        text = json.dumps(to_record(facts), separators=(",", ":"))
        unsettled = any(d.needs_schema for d in facts.diagnostics) or any(e.source_table is None for e in facts.edges)
        return cls(facts.path, text_digest(text), tuple(sorted(file_tables(facts))), facts.statements, len(facts.edges), facts.diagnostics, facts.reads, unsettled, text, "", [facts])

    def __reduce__(self) -> tuple[object, ...]:
        # A worker process sends the JSON alone: one string pickles 10x faster than the facts'
        # thousands of small objects and unpickles 20x faster in the parent, which decodes the
        # facts only for files whose graph it rebuilds.
        return (ScannedFile, (self.path, self.digest, self.tables, self.statements, self.edges, self.diagnostics, self.reads, self.unsettled, self.facts_data(), self.origin))

    def summary(self) -> list[object]:
        """Everything but the facts, as a JSON-ready row for the scan cache (a list, not a dict:
        10,000 rows are decoded at every re-scan, and a row without keys decodes in two thirds the time)."""
        return [self.path, self.digest, list(self.tables), self.statements, self.edges, [diagnostic_row(d) for d in self.diagnostics], list(self.reads), self.unsettled]


def lazily(row: Any, facts_json: str | bytes | Blob, origin: str) -> ScannedFile:
    """A cached file from its summary row; its facts' JSON is decoded only if someone asks for them.
    A row of another shape raises ValueError or TypeError (the entry is then parsed again)."""
    path, digest, tables, statements, edges, diagnostics, reads, unsettled = row
    # map, not generators: 10,000 rows a re-scan
    return ScannedFile(str(path), str(digest), tuple(map(str, tables)), int(statements), int(edges), tuple(map(diagnostic_from, diagnostics)), tuple(map(str, reads)), bool(unsettled), facts_json, origin)
