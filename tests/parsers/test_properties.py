"""Property tests: whatever text arrives, the extractor answers with edges and diagnostics, never a crash.

Example counts are bounded for CI (the `ci` profile, tests/conftest.py); `make fuzz` runs the `fuzz` profile.
"""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from lineage.model import FileFacts
from parsers.sql.schema import SchemaRegistry
from parsers.sql.extract import extract_sql
from tests.conftest import CORPORA

TOKENS = [
    "select", "from", "where", "join", "on", "using", "group", "by", "order", "union", "all", "with", "as",
    "insert", "into", "create", "table", "view", "merge", "update", "set", "when", "matched", "then", "case",
    "end", "over", "partition", "lateral", "unnest", "(", ")", ",", ";", ".", "*", "=", "+", "'x'", "1",
    "a", "b", "t", "u", '"Q"', "`b`", "[c]", "--", "/*", "*/", "$1", "::int", "{{", "}}", "\n", "\x00", "é",
]
QUERIES = sorted((CORPORA / "tpch" / "queries").glob("*.sql")) + sorted((CORPORA / "tpcds" / "queries").glob("*.sql"))[:30]
DIALECTS = [None, "postgres", "snowflake", "bigquery", "tsql", "spark", "mysql", "duckdb"]


def _extract(text: str, dialect: str | None) -> FileFacts:
    facts = extract_sql(text, "fuzz.sql", dialect, SchemaRegistry())
    assert all(d.at.file == "fuzz.sql" for d in facts.diagnostics)
    return facts


@given(st.lists(st.sampled_from(TOKENS), max_size=40), st.sampled_from(DIALECTS))
def test_token_soup_never_raises(tokens: list[str], dialect: str | None) -> None:
    _extract(" ".join(tokens), dialect)


@given(st.text(max_size=200), st.sampled_from(DIALECTS))
def test_arbitrary_text_never_raises(text: str, dialect: str | None) -> None:
    _extract(text, dialect)


@given(st.sampled_from(QUERIES), st.integers(min_value=0, max_value=2**32 - 1), st.sampled_from(["drop", "dup", "swap"]))
def test_mutated_real_queries_never_raise(query: Path, seed: int, how: str) -> None:
    words = query.read_text().split()
    rng = random.Random(seed)
    i, j = rng.randrange(len(words)), rng.randrange(len(words))
    if how == "drop":
        del words[i]
    elif how == "dup":
        words.insert(i, words[j])
    else:
        words[i], words[j] = words[j], words[i]
    _extract(" ".join(words), None)


@given(st.sampled_from(QUERIES))
def test_extraction_is_deterministic(query: Path) -> None:
    text = query.read_text()
    first, second = _extract(text, None), _extract(text, None)
    assert first.edges == second.edges and first.diagnostics == second.diagnostics
