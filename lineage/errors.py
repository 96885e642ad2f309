"""The project's error types: one line, `path:line: message`, plus a suggestion when we can guess."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI imports this module at every start-up; the model loads when a command runs
    from lineage.model import Location


class LineageError(Exception):
    """Base of every error a user can cause; the CLI prints it as one line."""

    exit_code = 1

    def __init__(self, message: str, at: Location | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.at = at
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.at}: {self.message}" if self.at else self.message
        return f"{text}; {self.hint}" if self.hint else text


class ParseFailure(LineageError):
    pass


class UnknownName(LineageError):
    pass


class ConfigError(LineageError):
    exit_code = 2


class StoreError(LineageError):
    pass
