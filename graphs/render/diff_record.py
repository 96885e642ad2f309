"""A diff report as a JSON record: `lineage diff --format json`, for CI scripts and bots."""

from __future__ import annotations

from lineage.diff import AssessedChange, BrokenStatement, DiffReport, RevisionId
from lineage.impact import ImpactReport, OwnerNotice
from lineage.model import Location
from lineage.shared_reach import Reach
from lineage.severity import ChangeSeverity


def diff_record(report: DiffReport) -> dict[str, object]:
    counts: dict[str, int] = {str(s): report.count(s) for s in ChangeSeverity}
    counts["contract_violations"] = report.violations
    return {
        "verdict": str(report.verdict) if report.verdict else "unchanged",
        "incomplete": report.incomplete,
        "completeness": report.completeness.to_record(),
        "base": _revision(report.base),
        "head": _revision(report.head),
        "counts": counts,
        "changes": [change_record(c) for c in report.changes],
        "owners": [owner_record(o) for o in report.owners()],
        "problems": [{"side": str(p.side), "at": str(p.diagnostic.at), "message": p.diagnostic.message} for p in report.problems],
    }


def change_record(change: AssessedChange) -> dict[str, object]:
    delta, contract = change.delta, change.contract
    return {
        "kind": str(delta.kind),
        "table": delta.table,
        "column": delta.column or None,
        "new_name": delta.new_name or None,
        "old_type": delta.old_type or None,
        "new_type": delta.new_type or None,
        "evidence": delta.evidence or None,
        "clause": delta.clause or None,
        "before": delta.before or None,
        "after": delta.after or None,
        "base_at": _at(delta.base_at),
        "head_at": _at(delta.head_at),
        "severity": str(change.severity),
        "contract": {
            "level": str(contract.level),
            "tier": str(contract.terms.tier) if contract.terms.tier else None,
            "message": contract.message or None,
            "replacement": contract.terms.replacement or None,
            "deprecated": contract.terms.deprecated or None,
            "mapping": [{"old": old or None, "new": new or None} for old, new in contract.terms.mapping],
        },
        "broken": [_broken(b) for b in change.broken],
        "impact": _impact(change.impact) if change.impact is not None else None,
        "still_breaks": _still(change.still, change.reach.readers if change.reach is not None else 0) if change.still is not None else None,
    }


def _impact(impact: ImpactReport) -> dict[str, object]:
    return {
        "statements": [f"{s.file}:{s.line}" for s in impact.statements],
        "columns": [r.node.name for r in impact.columns],
        "tables": [r.node.name for r in impact.tables],
        "dashboards": [r.node.name for r in impact.dashboards],
        "ml_features": [r.node.name for r in impact.features],
        "owners": [o.owner.name for o in impact.owners],
        "readers": [r.user for r in impact.readers],
    }


def _broken(b: BrokenStatement) -> dict[str, object]:
    record: dict[str, object] = {"at": f"{b.file}:{b.line}", "reads": list(b.reads), "head": str(b.head)}
    if b.renamed:
        record["renames"] = [{"old": old, "new": new} for old, new in b.renamed]
    return record


def _still(reach: Reach, readers: int) -> dict[str, object]:
    """What a breaking change still breaks on the new revision: counts, the statements that still read the old
    name, and the query logs' readers (outside the repository: the change set never updates them)."""
    return {
        "breaks": reach.impacted or readers > 0,
        "readers": readers,
        "columns": reach.columns,
        "tables": reach.tables,
        "dashboards": reach.dashboards,
        "ml_features": reach.features,
        "statements": [f"{s.file}:{s.line}" for s in reach.breaking],
    }


def owner_record(notice: OwnerNotice) -> dict[str, object]:
    contacts = {k: v for k in ("github", "slack", "email") if (v := notice.owner.attr(k))}
    return {"owner": notice.owner.name, "name": notice.owner.attr("display") or notice.owner.name, "contacts": contacts, "assets": list(notice.assets)}


def _revision(revision: RevisionId) -> dict[str, str]:
    return {"ref": revision.ref, "sha": revision.sha}


def _at(at: Location | None) -> str | None:
    return str(at) if at is not None else None
