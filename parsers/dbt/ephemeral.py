"""Ephemeral dbt models as nodes of their own.

dbt inlines an ephemeral model where it is used (a `__dbt__cte__<name>` CTE in the compiled SQL),
so the warehouse never sees it; lineage through it would then skip it, and `impact int_x.col`
would know no `int_x`. Here an ephemeral model is a relation named as dbt would name it were it a
view (`analytics.int_x`: a bare `int_x` would clash with a CTE of that name in the model reading
it), extracted like a view, and read by name where it is used: the files' reader renders `ref()` to
that name, and the manifest's compiled SQL has its ephemeral CTEs taken out and their uses
renamed, line for line (so every line of the compiled SQL keeps its number).
"""

from __future__ import annotations

import re

from sqlglot.errors import TokenError
from sqlglot.tokens import Token, TokenType

from parsers.sql.extract import get_dialect

CTE_PREFIX = "__dbt__cte__"
_USE = re.compile(rf"\b{CTE_PREFIX}(\w+)\b")


def uninlined(code: str, dialect: str | None, relations: dict[str, str]) -> str:
    """`code` without its `__dbt__cte__<model>` CTEs, each use reading `relations[model]` instead
    (models missing from `relations` are left as dbt wrote them)."""
    if CTE_PREFIX not in code:
        return code
    try:
        tokens = get_dialect(dialect).tokenize(code)
    except TokenError:
        return code
    cut: list[tuple[int, int]] = []
    for index, token in enumerate(tokens):
        name = token.text[len(CTE_PREFIX) :] if token.text.startswith(CTE_PREFIX) else ""
        if name in relations and _defines(tokens, index):
            cut.append(_definition(tokens, index))
    out = _blank(code, cut)
    out = _drop_empty_with(out, dialect)
    return _USE.sub(lambda m: relations.get(m.group(1), m.group(0)), out)


def _defines(tokens: list[Token], index: int) -> bool:
    return index + 2 < len(tokens) and tokens[index + 1].token_type == TokenType.ALIAS and tokens[index + 2].token_type == TokenType.L_PAREN


def _definition(tokens: list[Token], index: int) -> tuple[int, int]:
    """Character span of `name as ( ... )` and the comma after it, if any."""
    depth, end = 0, index + 2
    for end in range(index + 2, len(tokens)):
        depth += {TokenType.L_PAREN: 1, TokenType.R_PAREN: -1}.get(tokens[end].token_type, 0)
        if depth == 0:
            break
    if end + 1 < len(tokens) and tokens[end + 1].token_type == TokenType.COMMA:
        end += 1
    return tokens[index].start, tokens[end].end + 1


def _blank(code: str, spans: list[tuple[int, int]]) -> str:
    """Spans replaced by their newlines alone: lines keep their numbers."""
    out, last = [], 0
    for start, end in sorted(spans):
        out += [code[last:start], "\n" * code.count("\n", start, end), " "]
        last = end
    return "".join([*out, code[last:]])


def _drop_empty_with(code: str, dialect: str | None) -> str:
    """`with` left with no CTE after it (the model had none of its own): removed."""
    try:
        tokens = get_dialect(dialect).tokenize(code)
    except TokenError:
        return code
    for token, after in zip(tokens, tokens[1:]):
        if token.token_type == TokenType.WITH and after.token_type in (TokenType.SELECT, TokenType.L_PAREN):
            return code[: token.start] + " " * (token.end + 1 - token.start) + code[token.end + 1 :]
    return code
