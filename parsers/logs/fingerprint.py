"""A query's fingerprint: its text with literals as placeholders, comments gone, whitespace one space,
and every `IN (...)` list of placeholders one placeholder long.

Queries that differ only there have one lineage, so a log is parsed once per fingerprint, not per row.
One regular expression pass that stops only at literals, comments and quotes (no SQL tokenizer): it must keep up with a million rows a minute.
Quoted identifiers are kept as written; a placeholder is `?`, which every dialect we read parses.
"""

from __future__ import annotations

import re

# Order matters: comments and quoted text first, so a `--` or a digit inside them is not taken apart.
# The leading lookahead lets the engine pass over most characters (words, spaces) at one test each.
_TOKENS = re.compile(
    r"""(?=[-/'"`\[$0-9.])(?:
      (?P<line_comment>--[^\n]*)
    | (?P<block_comment>/\*.*?(?:\*/|\Z))
    | (?P<string>'(?:[^'\\]|''|\\.)*(?:'|\Z))
    | (?P<dollar>\$(?P<tag>[A-Za-z_]*)\$.*?(?:\$(?P=tag)\$|\Z))
    | (?P<quoted>"(?:[^"]|"")*"|`[^`]*`|\[[^\]\n]*\])
    | (?P<param>\$\d+)
    | (?P<number>(?<![\w$#@])(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)
    )""",
    re.VERBOSE | re.DOTALL,
)
# One pass over the placeholders: a typed literal (`DATE ?`, which would read as a column named DATE) or a
# prefixed one (`E?` from E'...') is one placeholder; an `IN (?, ?, ?)` list is `IN (?)`; `VALUES (?, ?), (?, ?)` one row.
_AFTER = re.compile(
    r"""(?ix)
      (?<![\w$#@]) (?: [EBNX] | (?:DATE|TIME|TIMESTAMP(?:_[LN]?TZ|TZ)?|INTERVAL)\s+ ) \?
    | (?P<in> \bIN\s*\(\s*\?(?:\s*,\s*\?)+\s*\) )
    | \bVALUES\s*(?P<row>\((?:\s*\?\s*,)*\s*\?\s*\))(?:\s*,\s*\((?:\s*\?\s*,)*\s*\?\s*\))+
    """
)


def _after(match: re.Match[str]) -> str:
    if match.group("in"):
        return "IN (?)"
    row = match.group("row")
    return f"VALUES {row}" if row else "?"


def _replace(match: re.Match[str]) -> str:
    kind = match.lastgroup
    if kind in ("string", "dollar", "number", "param"):
        return "?"
    if kind == "quoted":
        return match.group()
    return " "  # a comment


def fingerprint(sql: str) -> str:
    """`select * from t where id in (1, 2, 3) -- x` -> `select * from t where id in (?)`."""
    text = _TOKENS.sub(_replace, sql)
    text = " ".join(text.split())
    if "?" in text:
        text = _AFTER.sub(_after, text)
    return text.rstrip(" ;")
