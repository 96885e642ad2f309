"""Clauses that change no column's lineage and that sqlglot refuses in some dialects: Postgres's
`CREATE MATERIALIZED VIEW ... WITH NO DATA`, `CREATE VIEW ... WITH LOCAL CHECK OPTION`, `CREATE TEMP
TABLE t ON COMMIT DROP AS ...`, `INSERT ... OVERRIDING SYSTEM VALUE`. A statement that does not parse
is tried again without them, so its lineage is read rather than lost.
"""

from __future__ import annotations

from sqlglot.tokens import Token, TokenType

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
    end = len(tokens)
    while end and tokens[end - 1].token_type == TokenType.SEMICOLON:
        end -= 1
    words = [t.text.upper() for t in tokens]
    cut: set[int] = set()
    for clause in _AT_END:
        if end >= len(clause) and tuple(words[end - len(clause) : end]) == clause:
            cut.update(range(end - len(clause), end))
            break
    depth = 0
    for index, token in enumerate(tokens[:end]):
        depth += (token.token_type == TokenType.L_PAREN) - (token.token_type == TokenType.R_PAREN)
        if depth:
            continue
        for clause in _ANYWHERE:
            if tuple(words[index : index + len(clause)]) == clause:
                cut.update(range(index, index + len(clause)))
    return [t for i, t in enumerate(tokens) if i not in cut] if cut else None
