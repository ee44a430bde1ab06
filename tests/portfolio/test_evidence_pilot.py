"""A pilot's figure in a case study says whether the pilot found a difference, by the
test that decided it."""

from __future__ import annotations

import math
from typing import Any

import pytest

from socialproof.campaigns import pilots
from socialproof.portfolio.casestudy import parse_case_study
from socialproof.portfolio.evidence import EvidenceResolver

STUDY = """\
---
title: Headline test
kind: paid
role: Paid social specialist
client: Acme
industry: retail
platforms: [facebook]
period: {start: 2026-03-01, end: 2026-03-02}
summary: Two headlines.
goals:
  - description: More link clicks
    metric: ctr_link
strategy: Two ads.
execution: Two days.
outcomes:
  - label: Lift in link CTR
    pilot: Headlines
    note: Typed by hand, so the verdict is not shown as the note.
---
Body.
"""


def test_a_pilot_figure_names_its_verdict_and_the_test_that_decided(
    workspace: Any, insert: Any
) -> None:
    """1 link click in 5,000 impressions against 7: the figure read '+600 %' with the
    z-test's interval and no word that Fisher's exact test, the test for so few clicks,
    finds no clear difference (p = 0.070)."""
    rows = []
    for ad, clicks in (("Few", (1, 0)), ("More", (4, 3))):
        for day, c in enumerate(clicks, start=1):
            rows.append(
                {
                    "platform": "meta",
                    "account": "acme ads",
                    "campaign": "Tiny",
                    "ad_set": ad,
                    "ad": ad,
                    "date_start": f"2026-03-0{day}",
                    "date_stop": f"2026-03-0{day}",
                    "breakdown": "",
                    "impressions": 2500,
                    "link_clicks": c,
                }
            )
    insert("ad_stats", rows)
    pilots.create(
        workspace,
        pilots.define(
            "Headlines", "ctr_link", ["ad=Few", "ad=More"], "2026-03-01", "2026-03-02",
            table="ad_stats",
        ),
    )  # fmt: skip
    path = workspace.root / "case-studies" / "headlines.md"
    path.parent.mkdir(exist_ok=True)
    path.write_text(STUDY)
    loaded = parse_case_study(path)
    # Fisher by hand: 8 clicks, 5,000 impressions a side, 1 in A
    prob = [math.comb(8, k) * math.comb(9992, 5000 - k) / math.comb(10000, 5000) for k in range(9)]
    fisher = sum(q for q in prob if q <= prob[1] * (1 + 1e-7))
    with EvidenceResolver(workspace) as resolver:
        fig = resolver.outcome(loaded.study.outcomes[0], loaded)
    assert fig.value == pytest.approx(7 / 1 - 1)  # the lift itself is as before
    assert (
        f"no clear difference (it could be chance): p = {fisher:.3f} by Fisher's exact test"
        in fig.provenance
    )
