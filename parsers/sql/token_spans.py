"""Spans of a statement's tokens that the token-level readers (neutral.py, rewrites.py) share."""

from __future__ import annotations

from sqlglot.tokens import Token, TokenType


def closing(tokens: list[Token], opening: int) -> int | None:
    """The index of the parenthesis that closes the one at `opening`; None when none does."""
    depth = 0
    for index in range(opening, len(tokens)):
        depth += (tokens[index].token_type == TokenType.L_PAREN) - (tokens[index].token_type == TokenType.R_PAREN)
        if not depth:
            return index
    return None


def body_end(tokens: list[Token]) -> int:
    """Where the statement's tokens end, before its trailing semicolons."""
    end = len(tokens)
    while end and tokens[end - 1].token_type == TokenType.SEMICOLON:
        end -= 1
    return end
