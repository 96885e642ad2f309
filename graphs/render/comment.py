"""A diff report as a pull-request comment (Markdown) and as a JSON record.

The comment starts with a hidden marker so a re-run updates it instead of adding another, and
stays under GitHub's 65,536-character limit for a comment body by summarising beyond a budget:
https://docs.github.com/en/rest/issues/comments#create-an-issue-comment (422 "body is too long").
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from graphs.render.markdown import completeness_markdown, mention
from lineage.contracts import ContractLevel
from lineage.diff import AssessedChange, BrokenStatement, DiffReport, Problem, Side, gate
from lineage.completeness import Completeness
from lineage.impact import Reached
from lineage.model import Location
from lineage.observed import ObservedReader
from lineage.schema_diff import Delta, DiffKind
from lineage.shared_reach import Reach
from lineage.severity import ChangeSeverity, FailOn
from graphs.render.comment_diagram import diagram
from graphs.render.scorecard import scorecard_line
from lineage.scorecard import ChangeScore, Verdict

MARKER = "<!-- lineage-impact -->"
GITHUB_LIMIT = 65_536
DEFAULT_BUDGET = 60_000  # bytes of UTF-8, so the body fits however GitHub counts characters

_ICON = {ChangeSeverity.BREAKING: "🔴", ChangeSeverity.DATA_CHANGING: "🟠", ChangeSeverity.NON_BREAKING: "🟢"}
_VERDICT = {Verdict.FOLLOWS: "✅", Verdict.PARTLY: "⚠️", Verdict.BREAKS: "⛔"}
_CONTRACT = {
    ContractLevel.VIOLATION: "⛔ violation",
    ContractLevel.MIGRATION: "✅ migration",
    ContractLevel.WARNING: "⚠️ warning",
    ContractLevel.INFO: "ℹ️ info",
    ContractLevel.NONE: "",
}


@dataclass(frozen=True, slots=True)
class CommentOptions:
    repo: str | None = None  # OWNER/NAME: file:line become links to the exact commit
    server: str = "https://github.com"
    budget: int = DEFAULT_BUDGET


@dataclass(frozen=True, slots=True)
class _Limits:
    """How much to show; each level is tried in turn until the comment fits the budget."""

    rows: int  # changes in the summary table, and owners
    details: int  # changes with a <details> section
    items: int  # entries per list inside a section
    diagrams: bool


_LEVELS = (
    _Limits(100, 30, 25, True),
    _Limits(100, 30, 10, False),
    _Limits(100, 20, 5, False),
    _Limits(100, 10, 5, False),
    _Limits(50, 5, 3, False),
    _Limits(25, 0, 0, False),
)


def render_comment(report: DiffReport, options: CommentOptions = CommentOptions(), scores: Sequence[ChangeScore] = ()) -> str:
    """The PR comment: a verdict line, a table of changes, owners to notify, the scorecards of the
    products the change touches, a section per change."""
    text = ""
    for limits in _LEVELS:
        text = _Writer(report, options, limits, scores).render()
        if _size(text) <= options.budget:
            return text
    return _truncate(text, options.budget)


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _truncate(text: str, budget: int) -> str:
    note = "\n\n…cut to fit GitHub's comment size limit: run `lineage diff --format json` for the whole report.\n"
    lines = text.splitlines()
    while lines and _size("\n".join(lines) + note) > budget:
        lines.pop()
    return "\n".join(lines) + note


def code(value: str) -> str:
    """`value` as Markdown inline code, safe inside a table cell."""
    fence = "``" if "`" in value else "`"
    escaped = value.replace("|", "\\|")
    return f"{fence}{escaped}{fence}"


def describe(delta: Delta, name: Callable[[str], str] = lambda s: s) -> str:
    """What changed, in words: `app.orders.order_value renamed to order_total_usd`."""
    subject = name(delta.subject)
    words = {
        DiffKind.TABLE_ADDED: f"table {subject} added",
        DiffKind.TABLE_REMOVED: f"table {subject} removed",
        DiffKind.TABLE_RENAMED: f"table {subject} renamed to {name(delta.new_name)}",
        DiffKind.COLUMN_ADDED: f"column {subject} added" + (f" ({name(delta.new_type)})" if delta.new_type else ""),
        DiffKind.COLUMN_REMOVED: f"column {subject} removed",
        DiffKind.COLUMN_RENAMED: f"{subject} renamed to {name(delta.new_name)}",
        DiffKind.COLUMN_RETYPED: f"{subject} retyped from {name(delta.old_type)} to {name(delta.new_type)}",
        DiffKind.EXPRESSION_CHANGED: f"{subject} computed differently",
        DiffKind.ROWS_CHANGED: f"rows of {subject} chosen differently ({delta.clause or 'joins, filters, grouping'})",
    }
    return words[delta.kind]


def fragments(delta: Delta, name: Callable[[str], str] = lambda s: s) -> str:
    """`: <old SQL> → <new SQL>` for a change of formula or clause; "(none)" where a side has none."""
    if not (delta.before or delta.after):
        return ""
    return f": {name(delta.before or '(none)')} → {name(delta.after or '(none)')}"


def now(broken: BrokenStatement, name: Callable[[str], str] = lambda s: s) -> str:
    """What the new revision does with a statement the change breaks: `still reads it`, or what a `SELECT *` passes on."""
    if not broken.renamed:
        return str(broken.head)
    pairs = ", ".join(f"{name(old)} -> {name(new)}" for old, new in broken.renamed)
    olds = ", ".join(name(old) for old, _ in broken.renamed)
    return f"{broken.head} ({pairs}): what reads {olds} breaks"


def contract_label(change: AssessedChange) -> str:
    tier = change.contract.terms.tier
    label = _CONTRACT[change.contract.level]
    return f"{label} ({tier})" if label and tier else label


def verdict(report: DiffReport) -> str:
    """One line: ❌ when `--fail-on breaking` would fail, ⚠️ when something changes data or breaks by agreement."""
    counts = [(report.count(s), s) for s in ChangeSeverity]
    if not report.changes:
        return "✅ No changes to the tables and views in the scanned SQL"
    icon = "❌" if gate(report, FailOn.BREAKING) else "⚠️" if counts[0][0] or counts[1][0] else "✅"
    present = [(n, s) for n, s in counts if n]
    parts = [f"{n} {s}" for n, s in present]
    parts[0] += " change" if present[0][0] == 1 else " changes"
    agreed = sum(1 for c in report.changes if c.contract.level is ContractLevel.MIGRATION)
    notes = [f"{n} {noun}{'s' if n > 1 else ''}" for n, noun in ((report.violations, "contract violation"), (agreed, "agreed migration")) if n]
    notes += [f"{report.fixed} fixed in this change"] if report.fixed else []
    if notes:
        parts[0] += f" ({', '.join(notes)})"
    return f"{icon} {', '.join(parts)}"


class _Writer:
    """One rendering of the comment at one level of detail."""

    def __init__(self, report: DiffReport, options: CommentOptions, limits: _Limits, scores: Sequence[ChangeScore] = ()) -> None:
        self.report, self.options, self.limits, self.scores = report, options, limits, scores
        self.lines: list[str] = []

    def render(self) -> str:
        r = self.report
        self.add(MARKER, f"### {verdict(r)}", "", f"Lineage impact of {self.revision(Side.HEAD)} against {self.revision(Side.BASE)}.", "")
        self.problems()
        self.completeness()
        if r.changes:
            self.table()
            self.owners()
            self.scorecards()
            self.sections()
        return "\n".join(self.lines).rstrip("\n") + "\n"

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def revision(self, side: Side) -> str:
        """`main` (`1a2b3c4`), or just the commit when it was named by its SHA (as CI does)."""
        revision = self.report.base if side is Side.BASE else self.report.head
        sha = revision.sha
        commit = f"[`{sha[:7]}`]({self.options.server}/{self.options.repo}/commit/{sha})" if self.options.repo else f"`{sha[:7]}`"
        return commit if len(revision.ref) >= 7 and sha.startswith(revision.ref) else f"`{revision.ref}` ({commit})"

    def link(self, file: str, line: int, side: Side) -> str:
        """`file:line` at the commit it belongs to: the old revision's statements, the new one's definitions."""
        shown = code(f"{file}:{line}" if line else file)
        sha = (self.report.base if side is Side.BASE else self.report.head).sha
        if not self.options.repo or not sha:
            return shown
        anchor = f"#L{line}" if line else ""
        return f"[{shown}]({self.options.server}/{self.options.repo}/blob/{sha}/{quote(file)}{anchor})"

    def problems(self) -> None:
        if not self.report.problems:
            return
        grouped = _group_problems(self.report.problems)
        self.add("> [!WARNING]", f"> **Incomplete:** {len(grouped)} problem{'s' if len(grouped) > 1 else ''} reading the SQL; changes in those statements are not reported.")
        for text, sides in grouped[: self.limits.rows]:
            self.add(f"> - {code(text)} (at {' and '.join(sides)})")
        self.more(len(grouped) - self.limits.rows, "problem", prefix="> ")
        self.add("")

    def completeness(self) -> None:
        """`Complete.`, or a callout with the gaps the problems above do not already say."""
        said = {Location(p.diagnostic.at.file, p.diagnostic.at.line) for p in self.report.problems}
        rest = Completeness(tuple(g for g in self.report.completeness.gaps if g.where not in said))
        if self.report.changes or not rest.complete:
            self.add(*([] if rest.complete and said else completeness_markdown(rest)))

    def table(self) -> None:
        changes = self.report.changes
        self.add("| | Change | Severity | Contract | Reaches | After this change |", "|---|---|---|---|---|---|")
        for change in changes[: self.limits.rows]:
            cells = [_ICON[change.severity], describe(change.delta, code) + fragments(change.delta, code), str(change.severity), contract_label(change), reaches(change), after(change)]
            self.add("| " + " | ".join(cells) + " |")
        self.add("")
        rest = changes[self.limits.rows :]
        if rest:
            counts = ", ".join(f"{sum(1 for c in rest if c.severity is s)} {s}" for s in ChangeSeverity)
            self.add(f"…and {len(rest)} more changes ({counts}): run `lineage diff --format json` for all of them.", "")

    def owners(self) -> None:
        owners = self.report.owners()
        if not owners:
            return
        self.add(f"**Owners to notify:** {'; '.join(mention(o) for o in owners[: self.limits.rows])}", "")
        self.more(len(owners) - self.limits.rows, "owner")

    def scorecards(self) -> None:
        if not self.scores:
            return
        self.add("**Scorecards of the products this change touches** (change discipline from the last 90 days' commits to their files and the catalog; `lineage scorecard` has the evidence):")
        for score in self.scores[: self.limits.rows]:
            why = f": {score.why}" if score.why else ""
            self.add(f"- {scorecard_line(score.card)}; this change {_VERDICT[score.verdict]} {score.verdict}{why}")
        self.add("")
        self.more(len(self.scores) - self.limits.rows, "product")

    def sections(self) -> None:
        shown = [c for c in self.report.changes if c.severity is not ChangeSeverity.NON_BREAKING or c.delta.evidence]
        for change in shown[: self.limits.details]:
            self.section(change)
        if len(shown) > self.limits.details:
            self.add(f"Details for {min(len(shown), self.limits.details)} of {len(shown)} changes; run `lineage diff --format json` for the rest.", "")

    def section(self, change: AssessedChange) -> None:
        html_code = lambda name: f"<code>{html.escape(name, quote=False)}</code>"  # noqa: E731
        summary = describe(change.delta, html_code) + fragments(change.delta, html_code)
        self.add("<details>", f"<summary>{_ICON[change.severity]} {summary}: {change.severity}</summary>", "")
        self.contract(change)
        self.where(change)
        self.impact(change)
        if self.limits.diagrams and change.paths:
            self.add(*diagram(change), "")
        self.add("</details>", "")

    def contract(self, change: AssessedChange) -> None:
        contract = change.contract
        if contract.message:
            self.add(f"**Contract:** {_CONTRACT[contract.level]}: {contract.message}.", "")
        changed = [(old, new) for old, new in contract.terms.mapping if old != new]
        if contract.level in (ContractLevel.VIOLATION, ContractLevel.MIGRATION) and changed:
            same = len(contract.terms.mapping) - len(changed)
            target = contract.terms.replacement or change.delta.table
            moves = f"`{change.delta.table}` → `{target}`" if target != change.delta.table else f"`{target}`"
            self.add(f"Field mapping for the consumers of {moves}" + (f" ({same} other columns keep their names)" if same else "") + ":", "")
            self.add("| old column | new column |", "|---|---|")
            self.add(*(f"| {code(old) if old else '(new)'} | {code(new) if new else '(dropped)'} |" for old, new in changed[: max(self.limits.items, 5)]), "")

    def where(self, change: AssessedChange) -> None:
        delta = change.delta
        parts = []
        if delta.evidence:
            parts.append(f"{'How' if delta.kind in (DiffKind.EXPRESSION_CHANGED, DiffKind.ROWS_CHANGED) else 'Why a rename'}: {delta.evidence}.")
        if delta.head_at is not None:
            parts.append(f"Now defined at {self.link(delta.head_at.file, delta.head_at.line, Side.HEAD)}.")
        elif delta.base_at is not None:
            parts.append(f"Was defined at {self.link(delta.base_at.file, delta.base_at.line, Side.BASE)}.")
        self.add(" ".join(parts), "")

    def impact(self, change: AssessedChange) -> None:
        impact = change.impact
        if impact is None or not impact.impacted:
            self.add("Nothing downstream reads it.", "")
            return
        if change.broken:
            self.add("**Breaks** (statements that read it, at the base revision):")
            for b in change.broken[: self.limits.items or 1]:
                self.add(f"- {self.link(b.file, b.line, Side.BASE)} reads {', '.join(code(r) for r in b.reads)}: {now(b, code)}")
            self.more(len(change.broken) - (self.limits.items or 1), "statement", prefix="- ")
            self.add("")
        self.still(change)
        self.reached("Dashboards", impact.dashboards, True)
        self.reached("ML features", impact.features, True)
        if impact.readers:
            shown = [_reader(r) for r in impact.readers[: self.limits.items]]
            self.add(f"- **Readers outside the repository ({len(impact.readers)}, query logs):** {'; '.join(shown)}{_and_more(len(impact.readers), len(shown))}")
        self.reached("Tables", impact.tables, False)
        self.reached("Columns", impact.columns, False)
        downstream = [s for s in impact.statements if not s.breaks]
        if downstream:
            links = [self.link(s.file, s.line, Side.BASE) for s in downstream[: self.limits.items]]
            self.add(f"- **Statements whose input changes ({len(downstream)}):** {', '.join(links)}{_and_more(len(downstream), len(links))}")
        self.add("")

    def still(self, change: AssessedChange) -> None:
        """What breaks once the change set is deployed: the new revision's statements that still read the old name."""
        if not after(change):
            return
        self.add(f"**After this change:** {after(change)}.")
        assert change.still is not None
        for s in change.still.breaking[: self.limits.items or 1]:
            self.add(f"- {self.link(s.file, s.line, Side.HEAD)} still reads {', '.join(code(r) for r in s.reads)}")
        self.more(len(change.still.breaking) - (self.limits.items or 1), "statement", prefix="- ")
        self.add("")

    def reached(self, title: str, items: Sequence[Reached], consumers: bool) -> None:
        if not items:
            return
        shown = [_reached(r, consumers) for r in items[: self.limits.items]]
        self.add(f"- **{title} ({len(items)}):** {', '.join(shown)}{_and_more(len(items), len(shown))}")

    def more(self, hidden: int, noun: str, prefix: str = "") -> None:
        if hidden > 0:
            self.add(f"{prefix}…and {hidden} more {noun}{'s' if hidden > 1 else ''}")


def _reached(r: Reached, consumer: bool) -> str:
    owner = r.node.attr("owner")
    if consumer:
        title = r.node.attr("title")
        # a consumer nobody owns is said so: a silent gap would look like an owner already told
        extra = "; ".join(x for x in (title, owner or "no owner") if x)
        return f"{code(r.node.name)}" + (f" ({extra})" if extra else "")
    return code(r.node.name)


def _reader(r: ObservedReader) -> str:
    """`SVC_TABLEAU` read `app.orders.order_value` 120 times, last 2026-12-01T08:00:00Z (bi-team)"""
    runs = f"{r.executions:,} {'time' if r.executions == 1 else 'times'}"
    last = f", last {r.last_seen}" if r.last_seen else ""
    return f"{code(r.user)} read {', '.join(code(c) for c in r.columns)} {runs}{last} ({r.owner or 'no owner'})"


def _and_more(total: int, shown: int) -> str:
    return f" and {total - shown} more" if total > shown else ""


def _group_problems(problems: Sequence[Problem]) -> list[tuple[str, list[str]]]:
    """The same problem at both revisions is listed once."""
    grouped: dict[str, list[str]] = {}
    for problem in problems:
        grouped.setdefault(str(problem.diagnostic), []).append(str(problem.side))
    return sorted((text, sorted(set(sides))) for text, sides in grouped.items())


def reaches(change: AssessedChange) -> str:
    """`1 dashboard, 2 ML features, 7 tables, 13 columns`, or `nothing downstream`."""
    return counted(change.reach) if change.reach is not None and change.reach.impacted else "nothing downstream"


def counted(reach: Reach) -> str:
    counts = ((reach.dashboards, "dashboard"), (reach.features, "ML feature"), (reach.tables, "table"), (reach.columns, "column"), (reach.readers, "observed reader"))
    return ", ".join(f"{n:,} {noun}{'s' if n > 1 else ''}" for n, noun in counts if n)


def after(change: AssessedChange) -> str:
    """What a breaking change still breaks once the whole change set is deployed, judged on the new revision."""
    if change.severity is not ChangeSeverity.BREAKING or change.still is None:
        return ""
    observed = change.reach.readers if change.reach is not None else 0
    if not change.still.impacted and not observed:
        return "breaks nothing: every reader is updated or removed in this change"
    # query logs' readers are outside the repository: no change set updates them, so `--fail-on breaking` counts them
    outside = f"{observed:,} reader{'s' if observed > 1 else ''} outside the repository (query logs; no change set updates them, so `--fail-on` counts them)" if observed else ""
    return "still breaks " + " and ".join(x for x in (counted(change.still) if change.still.impacted else "", outside) if x)
