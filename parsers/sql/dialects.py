"""Which SQL dialect each file is read in; and, for a statement that does not parse, which common dialect does.

A file's dialect is the first of: its header comment (`-- lineage: dialect=snowflake` among the
comments before its first statement), the catalog's `dialects:` globs (the first that matches, in the
order written, relative to the catalog's folder), a dbt project's adapter type, the scan's
`--dialect`, sqlglot's generic dialect. Real repositories mix dialects: one `--dialect` per scan
either fails on the other files or, worse, reads them wrongly.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import Final

from lineage.catalog import Catalog
from lineage.model import Diagnostic, Location

# Tried in this order on a statement that does not parse in the file's dialect: the warehouses most
# repositories are written for first, so the suggestion names the likeliest one.
FALLBACKS: Final = ("snowflake", "bigquery", "tsql", "postgres", "spark", "databricks", "redshift", "mysql", "duckdb", "trino", "oracle", "hive")
HOW_TO_SET: Final = "-- lineage: dialect={name}, or dialects: in lineage.yml"

_LEADING = re.compile(r"(?:\s+|--[^\n]*|/\*.*?\*/)*", re.DOTALL)  # whitespace and comments before the SQL
# what follows the name on its line is a note for readers; a header with no name, or a misspelt one, is an error
_HEADER = re.compile(r"^[ \t]*--[ \t]*lineage[ \t]*:[ \t]*dialect[ \t]*=[ \t]*(\S*)", re.MULTILINE | re.IGNORECASE)


def header(text: str) -> tuple[str, int] | None:
    """The dialect a file's header comment names (as written) and its line, if it has one."""
    lead = _LEADING.match(text)
    found = _HEADER.search(text, 0, lead.end()) if lead else None
    if found is None:
        return None
    return found.group(1).lower(), text.count("\n", 0, found.start()) + 1


def header_problem(text: str, path: str) -> Diagnostic | None:
    """A header comment naming no dialect sqlglot knows: the file cannot be read as its author meant."""
    found = header(text)
    problem = unknown(found[0]) if found else None
    if found is None or problem is None:
        return None
    return Diagnostic(Location(path, found[1]), f"{problem[0]} in the header comment, so the file is not parsed; {problem[1]}")


def unknown(name: str) -> tuple[str, str] | None:
    """What is wrong with a dialect name and a hint, or None when sqlglot knows it."""
    known = _known()
    if name in known:
        return None
    close = difflib.get_close_matches(name, known, n=1)
    return f"unknown dialect '{name}'", f"did you mean '{close[0]}'?" if close else f"name one of sqlglot's, such as {', '.join(FALLBACKS)}"


def _known() -> list[str]:
    from sqlglot.dialects.dialect import Dialect  # only when a file or the catalog names one

    return sorted(name for name in Dialect.classes if name)


@dataclass(frozen=True, slots=True)
class PathDialects:
    """The dialect of each scanned file before its header comment: the catalog's globs, else `default` (`--dialect`)."""

    default: str | None = None
    folder: str = ""  # the catalog's folder, absolute: globs are relative to it
    rules: tuple[tuple[re.Pattern[str], str], ...] = ()

    @classmethod
    def of(cls, catalog: Catalog | None, default: str | None) -> PathDialects:
        if catalog is None or not catalog.dialects:
            return cls(default)
        folder = os.path.dirname(os.path.abspath(catalog.path))
        return cls(default, folder, tuple((_glob(rule.pattern), rule.dialect) for rule in catalog.dialects))

    def glob(self, shown: str) -> str | None:
        """The dialect of the first `dialects:` glob matching the file, if any."""
        if not self.rules:
            return None
        relative = os.path.relpath(os.path.abspath(shown), self.folder)
        if relative == os.pardir or relative.startswith(os.pardir + os.sep):
            return None
        posix = PurePath(relative).as_posix()
        return next((dialect for pattern, dialect in self.rules if pattern.fullmatch(posix)), None)

    def dialect(self, shown: str) -> str | None:
        return self.glob(shown) or self.default


def _glob(pattern: str) -> re.Pattern[str]:
    """`*` and `?` stay within a folder, `**` crosses folders (`a/**/b.sql` matches `a/b.sql` too)."""
    parts: list[str] = []
    rest = pattern.removeprefix("./")
    while rest:
        if rest.startswith("**/"):
            parts.append("(?:.*/)?")
            rest = rest[3:]
        elif rest.startswith("**"):
            parts.append(".*")
            rest = rest[2:]
        else:
            parts.append({"*": "[^/]*", "?": "[^/]"}.get(rest[0], re.escape(rest[0])))
            rest = rest[1:]
    return re.compile("".join(parts), re.DOTALL)



def is_family(dia: object, *names: str) -> bool:
    """`isinstance(dia, sqlglot.dialects.<module>.<Name>)` for `names` like "postgres.Postgres",
    without importing those modules: a file read in the default dialect then loads none of them
    (MySQL's alone is 20 ms of a one-file re-scan). A subclass (Redshift of Postgres) counts."""
    return _family(type(dia), names)


@functools.cache
def _family(cls: type, names: tuple[str, ...]) -> bool:
    wanted = {(f"sqlglot.dialects.{name.partition('.')[0]}", name.partition(".")[2]) for name in names}
    return any((c.__module__, c.__name__) in wanted for c in cls.__mro__)
