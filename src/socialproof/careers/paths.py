"""Career paths: a directed graph of roles (progressions within social, lateral
moves, and transitions into broader marketing, product and leadership), each
step with the skills it adds and the usual time before it."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from socialproof.careers.catalogue import Catalogue, PathEdge, load_catalogue
from socialproof.errors import NotFound


@dataclass(frozen=True)
class Step:
    source: str
    target: str
    kind: str
    years: str
    adds: tuple[str, ...]
    depth: int


def next_steps(start: str, *, depth: int = 2, cat: Catalogue | None = None) -> list[Step]:
    """Every move reachable from ``start`` within ``depth`` steps, breadth first."""
    cat = cat or load_catalogue()
    origin = cat.role(start).id
    out: list[Step] = []
    seen = {origin}
    frontier = [origin]
    for level in range(1, depth + 1):
        nxt: list[str] = []
        for node in frontier:
            for edge in _edges_from(cat, node):
                out.append(Step(edge.source, edge.target, edge.kind, edge.years, edge.adds, level))
                if edge.target not in seen:
                    seen.add(edge.target)
                    nxt.append(edge.target)
        frontier = nxt
    return out


def shortest_path(start: str, goal: str, *, cat: Catalogue | None = None) -> list[Step]:
    """The fewest-steps route from one role to another (ties: catalogue order)."""
    cat = cat or load_catalogue()
    a, b = cat.role(start).id, cat.role(goal).id
    if a == b:
        return []
    prev: dict[str, PathEdge] = {}
    queue = deque([a])
    seen = {a}
    while queue:
        node = queue.popleft()
        for edge in _edges_from(cat, node):
            if edge.target in seen:
                continue
            seen.add(edge.target)
            prev[edge.target] = edge
            if edge.target == b:
                steps: list[PathEdge] = []
                cur = b
                while cur != a:
                    steps.append(prev[cur])
                    cur = prev[cur].source
                steps.reverse()
                return [
                    Step(e.source, e.target, e.kind, e.years, e.adds, i + 1)
                    for i, e in enumerate(steps)
                ]
            queue.append(edge.target)
    raise NotFound(
        f"No career path from {a} to {b} in the catalogue.",
        hint=f"'socialproof paths {a}' lists where {a} leads.",
    )


def _edges_from(cat: Catalogue, node: str) -> list[PathEdge]:
    return [e for e in cat.paths if e.source == node]
