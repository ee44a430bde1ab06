"""Career paths: a graph within social and out into marketing, product and leadership."""

from __future__ import annotations

import pytest

from socialproof.careers.catalogue import load_catalogue
from socialproof.careers.paths import next_steps, shortest_path
from socialproof.errors import NotFound


def test_coordinator_to_head_of_social() -> None:
    steps = shortest_path("social-media-coordinator", "head-of-social")
    assert steps[0].source == "social-media-coordinator" and steps[-1].target == "head-of-social"
    for a, b in zip(steps, steps[1:], strict=False):
        assert a.target == b.source
    assert all(s.adds for s in steps)
    assert [s.depth for s in steps] == list(range(1, len(steps) + 1))


def test_paths_lead_out_of_social() -> None:
    cat = load_catalogue()
    families = {cat.roles[e.target].family for e in cat.paths if e.kind == "transition"}
    assert {"marketing", "product", "leadership"} <= families
    assert all(e.adds and all(a in cat.skills for a in e.adds) for e in cat.paths)


def test_next_steps_breadth_first() -> None:
    steps = next_steps("content-creator", depth=2)
    first = {s.target for s in steps if s.depth == 1}
    assert {"platform-specialist", "content-strategist"} <= first
    assert any(s.depth == 2 for s in steps)


def test_no_path_and_same_role() -> None:
    assert shortest_path("copywriter", "copywriter") == []
    with pytest.raises(NotFound, match="No career path"):
        shortest_path("marketing-manager", "social-media-coordinator")
    with pytest.raises(NotFound, match="Did you mean"):
        shortest_path("copywritter", "head-of-social")
