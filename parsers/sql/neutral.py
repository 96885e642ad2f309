"""Clauses that change no column's lineage and that sqlglot refuses in some dialects: Postgres's
`CREATE MATERIALIZED VIEW ... WITH NO DATA`, `CREATE VIEW ... WITH LOCAL CHECK OPTION`, `CREATE TEMP
TABLE t ON COMMIT DROP AS ...`, `INSERT ... OVERRIDING SYSTEM VALUE`, and T-SQL's `UPDATE TOP (10)`,
`DELETE TOP (5) PERCENT`, `INSERT TOP (n) INTO` (how many rows, not which columns). A statement that does not parse
is tried again without them, so its lineage is read rather than lost.
"""

from __future__ import annotations

from sqlglot.tokens import Token, TokenType

from parsers.sql.token_spans import body_end, closing

# anywhere at the statement's top level
_ANYWHERE = (
    ("ON", "COMMIT", "DROP"),
    ("ON", "COMMIT", "DELETE", "ROWS"),
    ("ON", "COMMIT", "PRESERVE", "ROWS"),
    ("OVERRIDING", "SYSTEM", "VALUE"),
    ("OVERRIDING", "USER", "VALUE"),
)
# only as the statement's last words (`WITH data AS (...)` is a CTE named data)
_AT_END = (
    ("WITH", "NO", "DATA"),
    ("WITH", "DATA"),
    ("WITH", "LOCAL", "CHECK", "OPTION"),
    ("WITH", "CASCADED", "CHECK", "OPTION"),
    ("WITH", "CHECK", "OPTION"),
)


def without_neutral(tokens: list[Token]) -> list[Token] | None:
    """`tokens` without the clauses above; None when they hold none."""
    end = body_end(tokens)
    words = [t.text.upper() for t in tokens]
    cut: set[int] = set()
    for clause in _AT_END:
        if end >= len(clause) and tuple(words[end - len(clause) : end]) == clause:
            cut.update(range(end - len(clause), end))
            break
    cut.update(_top_rows(tokens, words, end))
    depth = 0
    for index, token in enumerate(tokens[:end]):
        depth += (token.token_type == TokenType.L_PAREN) - (token.token_type == TokenType.R_PAREN)
        if depth:
            continue
        for clause in _ANYWHERE:
            if tuple(words[index : index + len(clause)]) == clause:
                cut.update(range(index, index + len(clause)))
    return [t for i, t in enumerate(tokens) if i not in cut] if cut else None


def _top_rows(tokens: list[Token], words: list[str], end: int) -> range:
    """T-SQL's `UPDATE|DELETE|INSERT TOP (n) [PERCENT]`: the indexes of `TOP (n) [PERCENT]`."""
    if end < 4 or words[0] not in ("UPDATE", "DELETE", "INSERT") or words[1] != "TOP" or tokens[2].token_type != TokenType.L_PAREN:
        return range(0)
    close = closing(tokens[:end], 2)
    if close is None:
        return range(0)
    return range(1, close + 2 if close + 1 < end and words[close + 1] == "PERCENT" else close + 1)
