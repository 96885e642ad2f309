"""The text of a scanned statement, read again from its file: what `lineage export --format openlineage`
puts in a job's `sql` facet. The store keeps where each edge was written (file, line, statement
number), not the SQL itself."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from parsers.sql.blocks import split_script
from parsers.sql.dialects import header
from parsers.sources.reading import DEFAULT_MAX_BYTES, read_text


def statement_texts(text: str, dialect: str | None = None) -> list[tuple[int, str]]:
    """Each statement's first line and its text as written, in the order a scan numbers them (from 1);
    [] when the text does not tokenise."""
    from sqlglot.errors import TokenError

    from parsers.sql.extract import get_dialect

    found = header(text)
    try:
        split = split_script(text, get_dialect(found[0] if found else dialect))
    except TokenError:
        return []
    return [(s.line, s.sql[s.tokens[0].start : s.tokens[-1].end + 1]) for s in split.statements if s.tokens]


def queries(wanted: Mapping[tuple[str, int], Iterable[int]], dialect: str | None = None) -> dict[tuple[str, int], str]:
    """The text of each wanted (SQL file, statement number) whose edges' lines (the values) all fall
    within that statement; statement 0 is the whole file (a dashboard's query). Anything else (a
    file gone or changed since the scan, ETL code, a template) is left out, for the caller to count."""
    by_file: dict[str, list[tuple[int, list[int]]]] = {}
    for (file, number), lines in wanted.items():
        if file.endswith(".sql"):
            by_file.setdefault(file, []).append((number, sorted(lines)))
    found: dict[tuple[str, int], str] = {}
    for file, numbers in sorted(by_file.items()):
        text = read_text(Path(file), DEFAULT_MAX_BYTES, file)
        if not isinstance(text, str):
            continue
        statements = statement_texts(text, dialect) if any(n for n, _ in numbers) else []
        for number, lines in numbers:
            if number == 0:
                found[(file, 0)] = text.strip()
            elif 0 < number <= len(statements) and _within(statements, number, lines):
                found[(file, number)] = statements[number - 1][1]
    return found


def _within(statements: list[tuple[int, str]], number: int, lines: list[int]) -> bool:
    start = statements[number - 1][0]
    end = statements[number][0] if number < len(statements) else None
    return all(start <= line and (end is None or line < end) for line in lines)
