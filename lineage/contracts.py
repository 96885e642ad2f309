"""Data contracts from the catalog's tiers: what a change to a core, mart or view table commits us to.

A breaking change to a `core` table is a violation unless the same change introduces a versioned
replacement (`app.orders` -> `app.orders_v2`) and marks the old table `deprecated: <date>` in the
catalog; then it is a migration, and its consumers need the field mapping old -> new. Changes to
`mart` tables are warnings, changes to `view`-tier tables information.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from lineage.model import Tier

_VERSIONED = re.compile(r"^(?P<stem>.+)_v(?P<number>\d+)$")


class ContractLevel(StrEnum):
    VIOLATION = "violation"  # a breaking change to a core table, without a migration
    MIGRATION = "migration"  # a breaking change to a core table, done the agreed way
    WARNING = "warning"
    INFO = "info"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Terms:
    """What the catalogs and the new revision say about one changed table."""

    table: str
    tier: Tier | None
    deprecated: str = ""  # the date the new revision's catalog gives for retiring `table`
    replacement: str = ""  # a versioned table the new revision adds in its place
    mapping: tuple[tuple[str, str], ...] = ()  # old column -> new column; "" where there is none


@dataclass(frozen=True, slots=True)
class Contract:
    level: ContractLevel
    terms: Terms
    message: str

    @property
    def blocks(self) -> bool:
        return self.level is ContractLevel.VIOLATION


def version_of(table: str) -> tuple[str, int]:
    """`app.orders_v2` -> (`app.orders`, 2); an unversioned name is version 1."""
    match = _VERSIONED.match(table)
    return (match["stem"], int(match["number"])) if match else (table, 1)


def versioned_replacement(table: str, added: Iterable[str]) -> str:
    """The newest of `added` named as a later version of `table`, or ""."""
    stem, version = version_of(table)
    later = sorted((n, name) for name in added for s, n in [version_of(name)] if s == stem and n > version)
    return later[-1][1] if later else ""


def next_version(table: str) -> str:
    stem, version = version_of(table)
    return f"{stem}_v{version + 1}"


def evaluate(terms: Terms, breaking: bool, changes_values: bool) -> Contract:
    """The contract level of one change: `breaking` wins over `changes_values`; neither is no concern."""
    table = f"`{terms.table}`"
    if not (breaking or changes_values) or terms.tier is None:
        return Contract(ContractLevel.NONE, terms, "")
    if terms.tier is Tier.VIEW:
        return Contract(ContractLevel.INFO, terms, f"view-tier table {table} changes")
    if terms.tier is Tier.MART or not breaking:
        what = "breaks" if breaking else "changes values"
        return Contract(ContractLevel.WARNING, terms, f"{terms.tier} table {table} {what}: tell its consumers before merging")
    return _core(terms)


def _core(terms: Terms) -> Contract:
    table, replacement = f"`{terms.table}`", f"`{terms.replacement}`"
    if terms.replacement and terms.deprecated:
        message = f"{replacement} replaces core table {table}, deprecated from {terms.deprecated}: its consumers must move to {replacement}"
        return Contract(ContractLevel.MIGRATION, terms, message)
    if terms.replacement:
        message = f"{replacement} replaces core table {table}, but the catalog does not mark {table} `deprecated: <date>`"
    elif terms.deprecated:
        message = f"core table {table} is deprecated ({terms.deprecated}) but no versioned replacement such as `{next_version(terms.table)}` is defined"
    else:
        message = f"breaking change to core table {table}: add a versioned replacement such as `{next_version(terms.table)}` and mark {table} `deprecated: <date>` in the catalog"
    return Contract(ContractLevel.VIOLATION, terms, message)
