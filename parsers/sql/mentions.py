"""What a statement that failed may read: the words of its text, kept with its diagnostic.

A statement the parser cannot read still names every table it reads, so the words of its tokens
(identifiers, keywords, the text of string literals: dynamic SQL names tables too) over-approximate
its tables; `lineage.completeness` matches them against what an answer reaches. Too many words to
keep is stored as none: "may read anything", never a narrower guess.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from sqlglot.tokenizer_core import Token

from lineage.model import Diagnostic, Severity

MAX_WORDS = 1_000  # distinct words kept per failed statement; more: it may read anything
_WORD = re.compile(r"\w+")


def words(tokens: Sequence[Token]) -> tuple[str, ...]:
    """The distinct lower-cased words of `tokens`' text, sorted; () past MAX_WORDS."""
    found: set[str] = set()
    for token in tokens:
        found |= text_words(token.text)
        if len(found) > MAX_WORDS:
            return ()
    return tuple(sorted(found))


def text_words(text: str) -> set[str]:
    """The lower-cased words of `text` that may be part of a table's name (numbers alone are not)."""
    return {w for w in _WORD.findall(text.lower()) if not w.isdigit()}


def with_mentions(diagnostics: Sequence[Diagnostic], statements: Sequence[Sequence[Token]]) -> list[Diagnostic]:
    """Each error about statement N (1-based) carries the words of that statement's tokens."""
    out = []
    for d in diagnostics:
        index = d.at.statement
        if d.severity is Severity.ERROR and not d.mentions and 0 < index <= len(statements):
            d = replace(d, mentions=words(statements[index - 1]))
        out.append(d)
    return out
