"""The rules a data product's scorecard is computed by, as data: the README's rules table is made from
them (`rules_table`) and a test checks that the two agree, so no score is ever set by hand.

Each dimension starts at its `start` score; every rule that applies adds its `points` (negative
points lower it, once per finding); the result is clamped to 1..5. The overall score is the mean of
the dimensions that could be scored, to one decimal: a dimension with nothing to measure (freshness
without query logs) is "unknown", counted and said, never a made-up number.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Dimension(StrEnum):
    OWNERSHIP = "ownership"
    REUSE = "reuse"
    CHANGE = "change discipline"
    LIFECYCLE = "lifecycle"
    FRESHNESS = "freshness"


class RuleId(StrEnum):
    OWNER_CONTACT = "owner_contact"
    TIER = "tier"
    TYPED_COLUMNS = "typed_columns"
    SLA = "sla"
    DOCUMENTED = "documented"
    CONTRACT_DRIFT = "contract_drift"
    CONSUMER = "consumer"
    CONSUMERS_3 = "consumers_3"
    OWNERS_REACHED = "owners_reached"
    NO_DEAD_COLUMNS = "no_dead_columns"
    VIOLATION = "violation"
    NO_MAPPING = "no_mapping"
    BREAKING = "breaking"
    DATA_CHANGING = "data_changing"
    MIGRATION = "migration"
    DEPRECATED_READ = "deprecated_read"
    PAST_RETIREMENT = "past_retirement"
    NO_REPLACEMENT = "no_replacement"
    UNMOVED = "unmoved"
    EXPIRED_VIEW = "expired_view"
    P95_BREACH = "p95_breach"
    P99_BREACH = "p99_breach"


@dataclass(frozen=True, slots=True)
class Rule:
    id: RuleId
    dimension: Dimension
    points: int  # > 0 raises, < 0 lowers (per finding), 0 is listed as evidence only
    text: str  # what the rule looks for, as the README says it


START = {Dimension.OWNERSHIP: 0, Dimension.REUSE: 1, Dimension.CHANGE: 5, Dimension.LIFECYCLE: 5, Dimension.FRESHNESS: 5}
VIEW_RENEWAL_DAYS = 90  # a view-tier view not renewed for longer is due to expire
OWNERS_REACHED = 2  # consumers owned by this many teams other than the product's own

RULES: tuple[Rule, ...] = (
    Rule(RuleId.OWNER_CONTACT, Dimension.OWNERSHIP, 1, "an owner with a contact (email, Slack or GitHub under `owners:`)"),
    Rule(RuleId.TIER, Dimension.OWNERSHIP, 1, "a tier (`tier: core`, `mart` or `view`)"),
    Rule(RuleId.TYPED_COLUMNS, Dimension.OWNERSHIP, 1, "a contract listing its columns with types (`columns:`)"),
    Rule(RuleId.SLA, Dimension.OWNERSHIP, 1, "a freshness SLA (`freshness: {p95: 30m, p99: 60m}`) and an escalation channel (`escalation:`)"),
    Rule(RuleId.DOCUMENTED, Dimension.OWNERSHIP, 1, "every contract column documented (`description:`)"),
    Rule(RuleId.CONTRACT_DRIFT, Dimension.OWNERSHIP, -1, "each contract column the SQL does not define, or defines with another type"),
    Rule(RuleId.CONSUMER, Dimension.REUSE, 1, "at least one consumer downstream (a model, dashboard or ML feature)"),
    Rule(RuleId.CONSUMERS_3, Dimension.REUSE, 1, "three or more distinct consumers"),
    Rule(RuleId.OWNERS_REACHED, Dimension.REUSE, 1, f"consumers owned by {OWNERS_REACHED} or more teams besides its own"),
    Rule(RuleId.NO_DEAD_COLUMNS, Dimension.REUSE, 1, "no dead column (every column is read by something)"),
    Rule(RuleId.VIOLATION, Dimension.CHANGE, -2, "each breaking change to a `core` product without a versioned replacement and a deprecation date"),
    Rule(RuleId.NO_MAPPING, Dimension.CHANGE, -1, "each `core` migration whose catalog gives no field mapping (`mapping:`)"),
    Rule(RuleId.BREAKING, Dimension.CHANGE, -1, "each breaking change (remove, rename, retype what something reads) to a `mart`, `view` or untiered product"),
    Rule(RuleId.DATA_CHANGING, Dimension.CHANGE, -1, "each data-changing change (same shape, other values) that something reads"),
    Rule(RuleId.MIGRATION, Dimension.CHANGE, 0, "a breaking change to a `core` product shipped as a versioned replacement with a deprecation date and a mapping: follows the contract"),
    Rule(RuleId.DEPRECATED_READ, Dimension.LIFECYCLE, -2, "deprecated (`deprecated:`) and still read (the readers are listed)"),
    Rule(RuleId.PAST_RETIREMENT, Dimension.LIFECYCLE, -1, "still read after its deprecation date"),
    Rule(RuleId.NO_REPLACEMENT, Dimension.LIFECYCLE, -1, "deprecated with no replacement to move to (`replaced_by:`)"),
    Rule(RuleId.UNMOVED, Dimension.LIFECYCLE, -1, "the replacement of a deprecated product, and nobody reads it yet"),
    Rule(RuleId.EXPIRED_VIEW, Dimension.LIFECYCLE, -2, f"a `view`-tier view not renewed for over {VIEW_RENEWAL_DAYS} days (`renewed:`, else its last change in git)"),
    Rule(RuleId.P95_BREACH, Dimension.FRESHNESS, -2, "observed p95 refresh interval over the declared p95 (query logs)"),
    Rule(RuleId.P99_BREACH, Dimension.FRESHNESS, -1, "observed p99 refresh interval over the declared p99 (query logs)"),
)

BY_ID = {rule.id: rule for rule in RULES}


def rules_table() -> str:
    """The README's rules table (Markdown), one row per dimension: what raises it, what lowers it."""
    rows = ["| dimension | starts at | raises | lowers |", "|---|---|---|---|"]
    for dimension in Dimension:
        raises = [f"+{r.points} {r.text}" if r.points else f"0: {r.text}" for r in RULES if r.dimension is dimension and r.points >= 0]
        lowers = [f"{r.points} {r.text}" for r in RULES if r.dimension is dimension and r.points < 0]
        rows.append(f"| {dimension} | {START[dimension]} | {'<br>'.join(raises) or '-'} | {'<br>'.join(lowers) or '-'} |")
    return "\n".join(rows)
