"""Scorecards as text: one line per product (the PR comment's), a Markdown page a team can publish, and a JSON record."""

from __future__ import annotations

from collections.abc import Sequence

from lineage.history import History
from lineage.scorecard import DimensionScore, Scorecard
from lineage.scorecard_rules import Dimension

_SHORT = {Dimension.OWNERSHIP: "ownership", Dimension.REUSE: "reuse", Dimension.CHANGE: "change", Dimension.LIFECYCLE: "lifecycle", Dimension.FRESHNESS: "freshness"}


def _score(d: DimensionScore) -> str:
    return str(d.score) if d.score is not None else "unknown"


def overall(card: Scorecard) -> str:
    return f"{card.overall:.1f}" if card.overall is not None else "unknown"


def scorecard_line(card: Scorecard) -> str:
    """`app.orders` (core, orders-service): 3.8/5 · ownership 5 · reuse 5 · change 1 · lifecycle 5 · freshness unknown"""
    about = ", ".join(x for x in (str(card.tier) if card.tier else "no tier", card.owner or "no owner"))
    scores = " · ".join(f"{_SHORT[d.dimension]} {_score(d)}" for d in card.dimensions)
    return f"`{card.product}` ({about}): {overall(card)}/5 · {scores}"


def unknown_note(cards: Sequence[Scorecard]) -> str:
    """How many dimension scores are unknown, and why: counted and said, never left out silently."""
    reasons: dict[str, int] = {}
    for card in cards:
        for d in card.dimensions:
            if d.score is None:
                key = f"{d.dimension} ({'; '.join(d.notes)})"
                reasons[key] = reasons.get(key, 0) + 1
    return "; ".join(f"{k}: unknown for {n} product{'s' if n != 1 else ''}" for k, n in sorted(reasons.items()))


EVIDENCE_SHOWN = 5  # facts per finding in the table and the page; the JSON lists every one


def evidence_lines(d: DimensionScore) -> list[str]:
    """Each finding with its points and facts, then what is missing, then notes."""
    lines = []
    for f in d.findings:
        points = f"{f.points:+d}" if f.points else "0"
        shown = "; ".join(f.evidence[:EVIDENCE_SHOWN])
        more = len(f.evidence) - EVIDENCE_SHOWN
        lines.append(f"{points} {f.text}: {shown}" + (f"; and {more} more (--format json lists them)" if more > 0 else ""))
    lines += [f"missing: {m}" for m in d.missing]
    lines += [f"note: {n}" for n in d.notes]
    return lines


def scorecard_markdown(cards: Sequence[Scorecard], history: History, as_of: str) -> str:
    out = [f"# Data product scorecards ({as_of})", "", f"{len(cards)} product{'s' if len(cards) != 1 else ''}; git history since {history.since} ({len(history.commits)} commits).", ""]
    if history.problems:
        out += [f"{len(history.problems)} problem{'s' if len(history.problems) != 1 else ''} reading the history (changes there may be missing):", *[f"- {p}" for p in history.problems], ""]
    note = unknown_note(cards)
    if note:
        out += [f"Unknown scores: {note}.", ""]
    out += ["| product | tier | owner | overall | " + " | ".join(str(d) for d in Dimension) + " |", "|---|---|---|---|" + "---|" * len(Dimension)]
    for card in cards:
        scores = " | ".join(_score(d) for d in card.dimensions)
        out.append(f"| `{card.product}` | {card.tier or '-'} | {card.owner or '-'} | {overall(card)} | {scores} |")
    for card in cards:
        out += ["", f"## `{card.product}`: {overall(card)}/5", ""]
        for d in card.dimensions:
            out.append(f"- **{d.dimension}: {_score(d)}**")
            out += [f"  - {line}" for line in evidence_lines(d)]
    return "\n".join(out) + "\n"


def scorecard_record(cards: Sequence[Scorecard], history: History, as_of: str) -> dict[str, object]:
    return {
        "as_of": as_of,
        "since": history.since,
        "commits": [{"sha": c.sha, "date": c.date, "subject": c.subject} for c in history.commits],
        "problems": list(history.problems),
        "unknown": _unknown(cards),
        "products": [_card(c) for c in cards],
    }


def _unknown(cards: Sequence[Scorecard]) -> dict[str, dict[str, object]]:
    """Per dimension: how many products could not be scored on it, and why."""
    out: dict[str, dict[str, object]] = {}
    for card in cards:
        for d in card.dimensions:
            if d.score is None:
                entry = out.setdefault(str(d.dimension), {"products": 0, "why": []})
                entry["products"] = int(str(entry["products"])) + 1
                why = entry["why"]
                assert isinstance(why, list)
                why.extend(n for n in d.notes if n not in why)
    return out


def _card(card: Scorecard) -> dict[str, object]:
    return {
        "product": card.product,
        "tier": str(card.tier) if card.tier else None,
        "owner": card.owner or None,
        "overall": card.overall,
        "dimensions": {
            str(d.dimension): {
                "score": d.score,
                "findings": [{"rule": str(f.rule), "points": f.points, "rule_text": f.text, "evidence": list(f.evidence)} for f in d.findings],
                "missing": list(d.missing),
                "notes": list(d.notes),
            }
            for d in card.dimensions
        },
    }
