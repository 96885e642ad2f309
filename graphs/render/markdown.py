"""Impact reports as JSON records and Markdown: the machine and the pull-request forms."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: a scan's summary line (`plural`) loads no analysis
    from lineage.completeness import Completeness
    from lineage.impact import ImpactReport, OwnerNotice, Reached, Statement


def _reached(r: Reached) -> dict[str, object]:
    record: dict[str, object] = {"name": r.node.name, "distance": r.distance, "via": r.via}
    if r.table:
        record["table"] = r.table
    for key in ("owner", "tier", "title", "url"):
        value = r.node.attr(key)
        if value:
            record[key] = value
    return record


def _statement(s: Statement, logs: bool = False) -> dict[str, object]:
    record: dict[str, object] = {"file": s.file, "line": s.line, "distance": s.distance, "breaks": s.breaks, "reads": list(s.reads), "writes": list(s.writes)}
    if logs:
        record["last_run"] = s.last_run or None
    return record


def reader_rows(report: ImpactReport) -> list[list[str]]:
    """user, what it reads, runs, last seen, owner, roles and applications: one row per reader."""
    return [
        [r.user, ", ".join(r.columns), f"{r.executions:,}", r.last_seen or "unknown", r.owner or "no owner", ", ".join((*r.roles, *r.applications))]
        for r in report.readers
    ]


def since_rows(report: ImpactReport, since: tuple[int, str]) -> tuple[str, list[list[str]]]:
    """The --since section's title and its rows (where, last run)."""
    days, cutoff = since
    if not report.logs:
        return f"--since {days}d: no query log read (lineage logs): cannot tell which statements ran.", []
    stale = report.not_run_since(cutoff)
    title = f"Statements no query log saw run in the last {days} days (since {cutoff[:10]})"
    return (title if stale else f"Every statement ran in the last {days} days (since {cutoff[:10]})."), [[f"{s.file}:{s.line}", s.last_run or "never seen"] for s in stale]


def _owner(o: OwnerNotice) -> dict[str, object]:
    contacts = {k: o.owner.attr(k) for k in ("email", "slack", "github") if o.owner.attr(k)}
    return {"owner": o.owner.name, "name": o.owner.attr("display") or o.owner.name, "contacts": contacts, "assets": list(o.assets)}


def impact_record(report: ImpactReport, since: tuple[int, str] | None = None) -> dict[str, object]:
    record = {
        "targets": [t.name for t in report.targets],
        "change": report.change.describe(),
        "impacted": report.impacted,
        "max_depth": report.max_depth,
        "columns": [_reached(r) for r in report.columns],
        "tables": [_reached(r) for r in report.tables],
        "dashboards": [_reached(r) for r in report.dashboards],
        "ml_features": [_reached(r) for r in report.features],
        "statements": [_statement(s, bool(report.logs)) for s in report.statements],
        "owners": [_owner(o) for o in report.owners],
        "truncated": [{"what": t.what, "shown": t.shown, "total": t.total} for t in report.truncated],
        "completeness": report.completeness.to_record(),
    }
    if report.logs:
        record["logs"] = list(report.logs)
        record["readers"] = [r.to_record() for r in report.readers]
    if since is not None:
        record["not_run_since"] = {"days": since[0], "cutoff": since[1], "statements": [f"{s.file}:{s.line}" for s in report.not_run_since(since[1])]}
    return record


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


def counts(report: ImpactReport) -> str:
    """`13 columns, 7 tables, 1 dashboard, 2 ML features`: all of them, however many are listed."""
    parts = [(report.total(what), word) for what, word in (("columns", "column"), ("tables", "table"), ("dashboards", "dashboard"), ("ML features", "ML feature"))]
    return ", ".join(plural(n, w) for n, w in parts)


def truncation_lines(report: ImpactReport) -> list[str]:
    """`truncated: 100 of 20,000 columns shown; raise --limit`, one per list the report cut."""
    return [f"{t}; raise --limit" for t in report.truncated]


def completeness_markdown(completeness: Completeness) -> list[str]:
    """`Complete.`, or a warning callout with one bullet per kind of gap; then a blank line."""
    if completeness.complete:
        return ["Complete.", ""]
    return ["> [!WARNING]", "> **May be incomplete:**", *(f"> - {_md_escape(reason)}" for reason in completeness.reasons()), ""]


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def contact_line(owner: OwnerNotice) -> str:
    node = owner.owner
    parts = []
    if node.attr("github"):
        parts.append(f"@{node.attr('github')}")
    parts += [v for k in ("slack", "email") if (v := node.attr(k))]
    return ", ".join(parts)


def mention(owner: OwnerNotice) -> str:
    """The one way an owner is shown (impact, diff, PR comment): name, then contacts in brackets,
    `Revenue Analytics (@acme/revenue, #revenue, revenue@acme.example)`; on GitHub the handle notifies."""
    name = owner.owner.attr("display") or owner.owner.name
    contacts = contact_line(owner)
    return f"{name} ({contacts})" if contacts else name


def readers_markdown(report: ImpactReport) -> list[str]:
    """The PR comment's and markdown report's "Readers outside the repository" section ([] when none)."""
    if not report.readers:
        return []
    lines = ["### Readers outside the repository (query logs)", "", "| user | reads | runs | last seen | owner |", "|---|---|---|---|---|"]
    lines += [f"| `{_md_escape(r[0])}` | {_md_escape(r[1])} | {r[2]} | {r[3]} | {_md_escape(r[4])} |" for r in reader_rows(report)]
    return [*lines, ""]


def impact_markdown(report: ImpactReport, since: tuple[int, str] | None = None) -> str:
    targets = ", ".join(f"`{t.name}`" for t in report.targets)
    lines = [f"## Impact of {report.change.describe()} on {targets}", ""]
    if not report.impacted:
        lines += ["Nothing downstream reads it.", "", *completeness_markdown(report.completeness)]
        return "\n".join(lines)
    lines += [f"**Affected:** {counts(report)}.", "", *completeness_markdown(report.completeness)]
    sections: list[tuple[str, tuple[Reached, ...]]] = [("Dashboards", report.dashboards), ("ML features", report.features)]
    for title, items in sections:
        if items:
            lines += [f"### {title}", "", "| name | owner | distance |", "|---|---|---|"]
            lines += [f"| `{_md_escape(r.node.name)}` | {_md_escape(r.node.attr('owner') or 'no owner')} | {r.distance} |" for r in items]
            lines.append("")
    lines += readers_markdown(report)
    if since is not None:
        title, rows = since_rows(report, since)
        lines += [f"### {title}", "", *(f"- `{_md_escape(w)}` (last run: {r})" for w, r in rows), ""] if rows else [title, ""]
    if report.owners:
        lines += ["### Owners to notify", "", "| owner | why |", "|---|---|"]
        lines += [f"| {_md_escape(mention(o))} | {_md_escape(', '.join(o.assets))} |" for o in report.owners]
        lines.append("")
    if report.statements:
        lines += ["### Statements", "", "| where | effect | reads |", "|---|---|---|"]
        lines += [f"| `{_md_escape(s.file)}:{s.line}` | {'breaks' if s.breaks else 'input changes'} | {_md_escape(', '.join(s.reads))} |" for s in report.statements]
        lines.append("")
    lines += ["### Columns", "", "| column | distance | via |", "|---|---|---|"]
    lines += [f"| `{_md_escape(r.node.name)}` | {r.distance} | {r.via} |" for r in report.columns]
    lines.append("")
    if report.truncated:
        lines += [f"_{_md_escape(line)}_" for line in truncation_lines(report)] + [""]
    return "\n".join(lines)
