"""Turning what a user types (`orders.order_value`, `app.orders`, `mart.*`) into graph nodes."""

from __future__ import annotations

import difflib

from lineage.errors import UnknownName
from lineage.model import Node, NodeKind
from lineage.store import LineageStore

_TARGET_KINDS = (NodeKind.COLUMN, NodeKind.TABLE, NodeKind.DASHBOARD, NodeKind.ML_FEATURE)


def is_glob(text: str) -> bool:
    return any(ch in text for ch in "*?[")


def resolve_target(store: LineageStore, text: str) -> list[Node]:
    """Nodes `text` names: a glob, an exact name, or a unique partially qualified suffix.

    A column wins over a table of the same name (`orders.id` is the column when both exist).
    """
    text = text.strip()
    if not text:
        raise UnknownName("empty name", hint="give a column (table.column), a table or a glob")
    if is_glob(text):
        found = [n for n in store.find(text) if n.kind in _TARGET_KINDS and n.name.rsplit(".", 1)[-1] != "*"]
        if not found:
            raise UnknownName(f"no table or column matches '{text}'")
        return found
    candidates = [n for n in store.find("*" + text) if n.kind in _TARGET_KINDS and (n.name == text or n.name.endswith("." + text))]
    for kind in _TARGET_KINDS:
        exact = [n for n in candidates if n.kind is kind and n.name == text]
        if exact:
            return exact
        of_kind = [n for n in candidates if n.kind is kind]
        if len(of_kind) == 1:
            return of_kind
        if len(of_kind) > 1:
            names = ", ".join(n.name for n in of_kind)
            raise UnknownName(f"'{text}' is ambiguous: it matches {names}", hint="qualify it further")
    raise UnknownName(f"unknown table or column '{text}'", hint=_suggest(store, text))


def _suggest(store: LineageStore, text: str) -> str | None:
    names = sorted({n.name for n in store.find("*") if n.kind in _TARGET_KINDS})
    if not names:
        return "the store is empty: run `lineage scan PATH` first"
    depth = text.count(".") + 1
    # compare like with like: the last `depth` parts of each known name
    tails = {".".join(n.split(".")[-depth:]): n for n in names}
    scored = sorted(((difflib.SequenceMatcher(None, text, t).ratio(), t) for t in tails), reverse=True)
    # only the near-ties of the best guess: a list of loosely similar names helps nobody
    close = [t for score, t in scored[:3] if score >= 0.75 and score >= scored[0][0] - 0.05]
    if not close:
        return None
    return "did you mean " + " or ".join(f"'{tails[c]}'" for c in close) + "?"
