"""Plain reachability over (from, to) links: shared by diagrams (paths to consumers) and diffs."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable


def reachable(start: Iterable[str], links: Iterable[tuple[str, str]]) -> set[str]:
    """Every node reachable from `start` following `links`, `start` included."""
    adjacent: dict[str, list[str]] = {}
    for a, b in links:
        adjacent.setdefault(a, []).append(b)
    seen = set(start)
    queue = deque(seen)
    while queue:
        for nxt in adjacent.get(queue.popleft(), ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen
