"""T-SQL's `INSERT [INTO] t [(cols)] EXEC[UTE] proc ...`: rows a procedure returns, written into t.

sqlglot refuses the statement. Its target is still worth knowing (t is written here, so a reader of
t depends on this statement), while the values come from a result set no SQL here describes: the
caller records t as written and says, in one warning, that its columns' sources are not recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import SqlglotError
from sqlglot.tokens import Token, TokenType

from parsers.sql.blocks import Statement

_EXEC = {"EXEC", "EXECUTE"}


@dataclass(frozen=True, slots=True)
class InsertExec:
    insert: exp.Insert  # the statement up to EXEC, with `SELECT NULL` for its rows: names its target
    procedure: str  # what EXEC runs: the procedure's name as written, or "dynamic SQL" for EXEC ('...') / EXEC (@sql)


def insert_exec(chunk: Statement, dia: Dialect) -> InsertExec | None:
    tokens = chunk.tokens
    if not tokens or tokens[0].text.upper() != "INSERT":
        return None
    at = _exec_at(tokens)
    if at is None:
        return None
    try:
        parsed = dia.parse(chunk.sql[tokens[0].start : tokens[at].start] + " SELECT NULL")
    except SqlglotError:
        return None
    if len(parsed) != 1 or not isinstance(parsed[0], exp.Insert):
        return None
    rest = tokens[at + 1 :]
    if not rest or rest[0].token_type in (TokenType.L_PAREN, TokenType.STRING):
        return InsertExec(parsed[0], "dynamic SQL")
    return InsertExec(parsed[0], rest[0].text if len(rest) == 1 else _name(chunk.sql, rest))


def _name(sql: str, rest: list[Token]) -> str:
    """`dbo.usp_x @a = 1`: the dotted name before its arguments (`@status = EXEC p` puts none before)."""
    end = 0
    while end + 2 < len(rest) and rest[end + 1].token_type is TokenType.DOT:
        end += 2
    return sql[rest[0].start : rest[end].end + 1]


def _exec_at(tokens: list[Token]) -> int | None:
    """Where EXEC starts the row source: outside parentheses (a column list comes before it)."""
    depth = 0
    for i, token in enumerate(tokens):
        if token.token_type is TokenType.L_PAREN:
            depth += 1
        elif token.token_type is TokenType.R_PAREN:
            depth -= 1
        elif depth == 0 and i > 1 and token.text.upper() in _EXEC:
            return i
    return None
