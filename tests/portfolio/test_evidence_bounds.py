"""A case study's figure is a bound where 'socialproof report' marks it one (≤ reach summed
over several posts), so the portfolio never shows as exact what the report qualifies."""

from __future__ import annotations

import html
import json
import re
from datetime import datetime
from typing import Any

from socialproof.workspace.schema import POSTS

STUDY = """\
---
title: Organic reach
kind: organic
role: Social media manager
client: Acme
industry: retail
platforms: [instagram]
period: {start: 2026-03-01, end: 2026-03-31}
summary: Reach of the spring posts.
goals:
  - description: Reach people
    metric: reach
    target: 1000
strategy: Reels.
execution: Two posts.
outcomes:
  - label: People reached
    kpi: reach
    where: {platform: instagram}
  - label: Reach of the solo post
    kpi: reach
    where: {account: solo}
---
Body.
"""


def _post(pid: str, account: str, day: int, reach: int) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(c for c in POSTS.columns if c != "import_id")
    row |= {
        "platform": "instagram",
        "post_id": pid,
        "account": account,
        "published_at": datetime(2026, 3, day, 12),
        "format": "reel",
        "reach": reach,
        "reactions": 10,
    }
    return row


def test_reach_summed_over_posts_is_marked_as_the_report_marks_it(
    workspace: Any, insert: Any, cli: Any
) -> None:
    # two posts of one account (300 + 500: a person who saw both counts twice) and one post
    # of another account (its own reach, exact)
    insert(
        "posts",
        [_post("a", "acme", 2, 300), _post("b", "acme", 9, 500), _post("c", "solo", 3, 200)],
    )
    (workspace.root / "case-studies").mkdir(exist_ok=True)
    (workspace.root / "case-studies" / "reach.md").write_text(STUDY)
    r = cli("report", "posts", "--group-by", "account", "--kpis", "reach", "-f", "json",
            cwd=workspace.root)  # fmt: skip
    assert r.exit_code == 0, r
    report = {row["account"]: row for row in json.loads(r.stdout)}
    assert report["acme"]["reach"] == 800 and report["acme"]["reach_bound"] == "upper"
    assert report["solo"]["reach"] == 200 and report["solo"]["reach_bound"] is None
    built = cli("portfolio", "build", cwd=workspace.root)
    assert built.exit_code == 0, built
    page = (workspace.root / "site" / "organic-reach.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))
    assert "≤ 1,000 People reached" in text  # 300 + 500 + 200 over three posts
    assert "an upper bound (≤), as 'socialproof report' marks it" in text
    assert " 200 Reach of the solo post" in text
    assert "≤ 200" not in text


def test_a_target_judged_on_a_bound_says_when_the_exact_figure_may_differ() -> None:
    """'≤ 1,000 people reached; target 900; target met': the exact reach is at most 1,000
    and may be under 900, so the target is not known to be met."""
    from socialproof.portfolio.evidence import Figure

    def versus(value: float, bound: str | None, better: str = "higher") -> str:
        return Figure("Reach", value, "count", True, "", target=900, better=better,
                      bound=bound).versus  # fmt: skip

    assert versus(1000, "upper") == (
        "target 900; target met by this upper bound; the exact figure may fall short"
    )
    assert versus(800, "upper") == "target 900; target not met"  # at most 800: not met
    assert versus(800, "lower") == (
        "target 900; target not met by this lower bound; the exact figure may meet it"
    )
    assert versus(1000, "lower") == "target 900; target met"
    assert versus(1000, None) == "target 900; target met"
