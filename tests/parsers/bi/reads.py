"""Consumer reads as golden-file lines: one per read, `consumer <- table.column (flow/subtype) at file:line`."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from lineage.catalog import Consumer
from parsers.bi.common import BiFacts
from tests.conftest import SAMPLE


def read_lines(consumers: Iterable[Consumer]) -> str:
    lines = [f"{c.id} [{c.kind}] {c.title!r} owner={c.owner or '-'} at {c.at}" for c in consumers]
    lines += [f"{c.id} <- {e.source_table}.{e.source_column} ({e.flow}/{e.subtype}) at {e.at}" for c in consumers for e in c.reads]
    return "\n".join(sorted(lines)) + "\n"


def notes(facts: BiFacts) -> list[str]:
    return [str(d) for f in facts.files for d in f.diagnostics]


def sample_texts(folder: str, suffixes: tuple[str, ...]) -> list[tuple[str, str]]:
    """The sample warehouse's files of one tool, as (path relative to the repository, text)."""
    root = SAMPLE.parent
    return [(str(p.relative_to(root)), p.read_text(encoding="utf-8")) for p in sorted((SAMPLE / folder).rglob("*")) if p.name.endswith(suffixes)]


def write(tmp: Path, name: str, text: str) -> tuple[str, str]:
    (tmp / name).write_text(text, encoding="utf-8")
    return str(tmp / name), text
