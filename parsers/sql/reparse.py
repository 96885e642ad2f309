"""Parsing one statement: tried again without lineage-neutral clauses (neutral.py) when sqlglot
refuses it or keeps a lineage-bearing statement as opaque text, then as the equivalent SQL it reads
(rewrites.py), and MySQL's REPLACE INTO read as the INSERT it is."""

from __future__ import annotations

import re
from typing import Protocol

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ParseError
from sqlglot.tokens import TokenType

from parsers.sql.blocks import Statement
from parsers.sql.neutral import without_neutral
from parsers.sql.alter_texts import refused_alter
from parsers.sql.rewrites import rewritten


class Seen(Protocol):
    seen: bool  # whether sqlglot fell back to an opaque Command since it was last reset


LINEAGE_COMMAND = re.compile(r"(?is)(create\b(\s+\w+){0,4}?\s+(table|view|task|pipe|stream)\b|insert|merge|update|select|with|replace\s+into|alter\s+table\s+\S+\s+update)\b")


def lineage_command(statement: exp.Expr | None) -> bool:
    """A statement kept as an opaque Command that would have carried lineage (CREATE ... AS, INSERT, ...)."""
    return isinstance(statement, exp.Command) and bool(LINEAGE_COMMAND.match(f"{statement.this} {statement.expression}"))


def parse_statement(chunk: Statement, dia: Dialect, unsupported: Seen) -> exp.Expr | None:
    """The statement, tried again without lineage-neutral clauses (neutral.py) when sqlglot refuses
    it or keeps a lineage-bearing one as text; the first failure is the one reported."""
    failure, statement = None, None
    try:
        statement = dia.parser().parse(chunk.tokens, chunk.sql)[0]
        if not (unsupported.seen and lineage_command(statement)):
            return replace_as_insert(statement, dia)
    except ParseError as err:
        failure = err
    trimmed = without_neutral(chunk.tokens)
    if trimmed is not None:
        seen, unsupported.seen = unsupported.seen, False
        try:
            retried = dia.parser().parse(trimmed, chunk.sql)[0]
            if not (unsupported.seen and lineage_command(retried)):
                return replace_as_insert(retried, dia)
        except ParseError:
            pass
        unsupported.seen = seen
    text = rewritten(chunk.tokens, chunk.sql)
    if text is not None:  # a statement sqlglot refuses, as the equivalent SQL it reads (rewrites.py)
        seen, unsupported.seen = unsupported.seen, False
        try:
            retried = dia.parser().parse(dia.tokenize(text), text)[0]
            if not (unsupported.seen and lineage_command(retried)):
                return retried
        except ParseError:
            pass
        unsupported.seen = seen
    if failure is not None:
        refused = refused_alter(chunk.tokens, chunk.sql)
        if refused is not None:
            return refused
        raise failure
    return replace_as_insert(statement, dia)


def replace_as_insert(statement: exp.Expr | None, dia: Dialect) -> exp.Expr | None:
    """MySQL's and SQLite's `REPLACE INTO t [(cols)] SELECT ...`, which sqlglot keeps as text: the
    same rows as `INSERT INTO` (REPLACE only deletes the rows they collide with first). And Redshift's
    `UNLOAD ('query') TO 's3://...'`, kept as text too: its query, as an export of rows to files."""
    if isinstance(statement, exp.Command) and str(statement.this).upper() == "UNLOAD":
        return _unloaded(statement, dia)
    if not (isinstance(statement, exp.Command) and str(statement.this).upper() == "REPLACE"):
        return statement
    text = statement.expression.name if isinstance(statement.expression, exp.Literal) else str(statement.expression or "")
    try:
        return dia.parse(f"INSERT {text}")[0] if text.strip().upper().startswith("INTO") else statement
    except ParseError:
        return statement


def _unloaded(statement: exp.Command, dia: Dialect) -> exp.Expr:
    """`UNLOAD ('SELECT ...') TO ...`: the quoted query parsed, as an export of its rows (writes.py);
    a ParseError when it is not one, so that the statement is said to be lost, never skipped."""
    text = statement.expression.name if isinstance(statement.expression, exp.Literal) else str(statement.expression or "")
    tokens = dia.tokenize(text)
    if len(tokens) < 3 or tokens[0].token_type != TokenType.L_PAREN or tokens[1].token_type != TokenType.STRING or tokens[2].token_type != TokenType.R_PAREN:
        raise ParseError("UNLOAD: expected ('query') before TO")
    try:
        query = dia.parse(tokens[1].text)[0]
    except ParseError as err:  # its line is the quoted text's: the statement's own is the one to give
        reason = str(err).splitlines()[0].split(". Line ")[0] if str(err).strip() else "syntax error"
        raise ParseError(f"UNLOAD: its quoted query does not parse ({reason})") from None
    if not isinstance(query, exp.Query):
        raise ParseError("UNLOAD: its quoted text is not a query")
    return exp.Export(this=query)
