"""Where each read is written: an edge's line is the line naming the table it reads.

A dbt model is one statement, often of a hundred lines: the statement's first line says little.
Each edge is placed instead on the first line of the statement that names its source table (the
`FROM {{ ref('x') }}`, the `JOIN source(...)`), which the template's line map then carries back
to the model file. An edge whose table the text never names (a column of no known table) keeps
its statement's line.
"""

from __future__ import annotations

from dataclasses import replace

from sqlglot.dialects.dialect import NormalizationStrategy
from sqlglot.errors import TokenError
from sqlglot.tokens import Token, TokenType

from lineage.model import FileFacts, Location
from parsers.sql.extract import get_dialect

_NAME_TOKENS = frozenset({TokenType.VAR, TokenType.IDENTIFIER})


def named_lines(sql: str, dialect: str | None) -> dict[str, int]:
    """Every dotted name the SQL writes (`main.orders`, `"Raw".pay`), normalised as lineage names
    tables, with the first line it is written on."""
    dia = get_dialect(dialect)
    keep_case = dia.normalization_strategy is NormalizationStrategy.CASE_SENSITIVE
    try:
        tokens = dia.tokenize(sql)
    except TokenError:
        return {}
    lines: dict[str, int] = {}
    run: list[Token] = []
    for index, token in enumerate(tokens + [Token(TokenType.SEMICOLON, ";")]):
        if _is_name(token) and (not run or tokens[index - 1].token_type == TokenType.DOT):
            run.append(token)
            continue
        if token.token_type == TokenType.DOT and run:
            continue
        if run:
            lines.setdefault(".".join(t.text if t.token_type == TokenType.IDENTIFIER or keep_case else t.text.lower() for t in run), run[0].line)
        run = [token] if _is_name(token) else []
    return lines


def _is_name(token: Token) -> bool:
    # a keyword spelled as a word (`events`, `status`) may name a table too
    return token.token_type in _NAME_TOKENS or (token.text.isidentifier() and token.token_type not in (TokenType.STRING, TokenType.NUMBER))


def at_reads(facts: FileFacts, sql: str, dialect: str | None) -> FileFacts:
    """`facts` of `sql` with each edge on the line where its source table is named."""
    lines = named_lines(sql, dialect)
    if not lines:
        return facts

    def placed(at: Location, table: str | None) -> Location:
        line = lines.get(table or "")
        return Location(at.file, line, at.statement) if line else at

    return replace(facts, edges=tuple(replace(e, at=placed(e.at, e.source_table)) for e in facts.edges))
