"""Turning what a user types (`orders.order_value`, `app.orders`, `mart.*`) into graph nodes."""

from __future__ import annotations

import difflib
import fnmatch

from lineage.errors import UnknownName
from lineage.model import UNRESOLVED, Node, NodeKind
from lineage.store import LineageStore

_TARGET_KINDS = (NodeKind.COLUMN, NodeKind.TABLE, NodeKind.DASHBOARD, NodeKind.ML_FEATURE)


def is_glob(text: str) -> bool:
    return any(ch in text for ch in "*?[")


def glob_ends(pattern: str) -> tuple[str, str]:
    """The literal text every name matching the fnmatch `pattern` starts and ends with: what a store
    narrows its search by (fnmatch still decides). A one-character class `[*]` is that character, so
    `proj.events_[*]` (the table `events_*` itself) is found by its prefix, not by a scan of every name."""
    parts: list[str | None] = []  # literal characters, None for a wildcard
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "[" and i + 2 < len(pattern) and pattern[i + 2] == "]" and pattern[i + 1] not in "!]":
            parts.append(pattern[i + 1])
            i += 3
        elif ch == "[":
            parts.append(None)
            i = _class_end(pattern, i)
        else:
            parts.append(None if ch in "*?" else ch)
            i += 1
    if None not in parts:
        literal = "".join(parts)  # type: ignore[arg-type]
        return literal, literal
    first, last = parts.index(None), len(parts) - 1 - parts[::-1].index(None)
    return "".join(parts[:first]), "".join(parts[last + 1 :])  # type: ignore[arg-type]


def _class_end(pattern: str, start: int) -> int:
    """Past the character class opening at `start` (fnmatch's rules: a `]` first in it is one of its
    characters); an unclosed `[` is one character, taken here as a wildcard (a shorter bound is safe)."""
    j = start + 1
    j += j < len(pattern) and pattern[j] == "!"
    j += j < len(pattern) and pattern[j] == "]"
    while j < len(pattern) and pattern[j] != "]":
        j += 1
    return j + 1 if j < len(pattern) else start + 1


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
    wildcard = _wildcard_matches(store, text)
    if wildcard:
        return wildcard
    raise UnknownName(f"unknown table or column '{text}'", hint=_unresolved_reads(store, text) or _suggest(store, text))


def _wildcard_matches(store: LineageStore, text: str) -> list[Node]:
    """BigQuery's wildcard tables: SQL that reads `events_*` reads the shard `events_20240101`, so
    `events_20240101.name` is `events_*.name` (and `events_20240101` the table `events_*`)."""
    parts = text.split(".")
    for cut, kind in ((len(parts) - 1, NodeKind.COLUMN), (len(parts), NodeKind.TABLE)):
        if cut < 1:
            continue
        column = ".".join(parts[cut:])
        # names ending in a literal `*` (a store finds them by that suffix, not by reading every name)
        lead = _literal(".".join(parts[: cut - 1]) + ".") if cut > 1 else ""
        tables = [n for n in store.find(f"*{lead}*[*]") if n.kind is NodeKind.TABLE]
        matched = [t for t in tables if _shard_of(parts[:cut], t.name.split("."))]
        if kind is NodeKind.TABLE:
            found = matched
        else:
            found = [n for t in matched for n in store.find(f"{_literal(t.name)}.{_literal(column)}") if n.kind is NodeKind.COLUMN]
        if found:
            return found
    return []


def _shard_of(shard: list[str], wildcard: list[str]) -> bool:
    """`a.events_20240101` is a shard of `p.a.events_*`: the parts it gives are the same, the last matched by the
    wildcard (which stands for no dot: a shard's name is one part)."""
    tail = wildcard[-len(shard) :]
    return len(wildcard) >= len(shard) and tail[:-1] == shard[:-1] and fnmatch.fnmatchcase(shard[-1], tail[-1])


def _unresolved_reads(store: LineageStore, text: str) -> str | None:
    """Where `table.column` is unknown but SQL reads a `column` whose table it could not tell, say so:
    those reads may be of this column, and an answer about it would miss them."""
    column = text.rsplit(".", 1)[-1]
    if "." not in text or not store.find(f"{UNRESOLVED}.{_literal(column)}"):
        return None
    return f"'{column}' is read where its table is not resolved (`lineage find '{UNRESOLVED}.{column}'`); qualify those reads or give their tables' DDL (--schema), then scan again"


def _literal(name: str) -> str:
    """`name` as a glob that matches only itself."""
    return "".join(f"[{ch}]" if ch in "*?[" else ch for ch in name)


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
