from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


def _png(width: int = 4, height: int = 3) -> bytes:
    """A valid RGB PNG, written by hand (no image library needed)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\x00" + b"\x20\x60\xa0" * width for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


PNG_1x1 = _png()

PAID = """\
---
title: Spring launch on Meta
kind: paid
role: Paid social specialist
client: Northwind Outdoor
industry: consumer
platforms: [facebook, instagram]
period: {start: 2026-03-01, end: 2026-03-31}
summary: Lowered cost per purchase for the spring range.
goals:
  - description: Cut cost per purchase below 20
    metric: cost_per_result
    target: 20
    baseline: 26
strategy: Broad audiences with creative testing.
execution: Three ad sets, six creatives, weekly refresh.
creative:
  - image: assets/hero.png
    alt: A hiker on a ridge holding the new lightweight tent.
    caption: Hero creative
outcomes:
  - label: Cost per purchase
    kpi: cost_per_result
    where: {campaign: Spring Launch}
    baseline: 26
    target: 20
  - label: Link click-through rate
    kpi: ctr_link
    where: {campaign: Spring Launch}
    baseline: 0.009
  - label: Store visits
    value: 310
    unit: count
    target: 250
    note: From the client's footfall counter.
charts:
  - kpi: ctr_link
    where: {campaign: Spring Launch}
    period: week
budget: {min: 2000, max: 4000, currency: USD}
targeting: Adults 25-54 interested in hiking; purchasers excluded.
learnings: Short hooks beat long demos.
---

## Context

The client needed a cheaper acquisition channel before the season.
"""

MOCK = """\
---
title: Concept campaign for a coffee brand
kind: mock
role: Content strategist
client: Mock brand (spec work)
platforms: [tiktok]
period: {start: 2026-01-05, end: 2026-01-20}
summary: A spec campaign showing how I would launch a cold brew.
goals:
  - description: Show a two-week launch plan
strategy: Creator-led short video.
execution: Storyboards for six videos.
outcomes:
  - label: Planned reach
    value: 50000
    unit: count
    target: 50000
---
Body of the mock case study.
"""


@pytest.fixture
def portfolio_ws(workspace: Any, insert: Callable[[str, list[dict[str, Any]]], None]) -> Any:
    """A workspace with ad data, a profile, a paid and a mock case study and an image."""
    from datetime import date, timedelta

    rows = []
    for day in range(31):
        d = date(2026, 3, 1) + timedelta(days=day)
        for ad, (imp, clicks, spend, results) in {
            "A": (1000, 12, 50.0, 2),
            "B": (800, 6, 40.0, 1),
        }.items():
            rows.append(
                {
                    "platform": "facebook",
                    "account": "",
                    "campaign": "Spring Launch",
                    "ad_set": "Broad",
                    "ad": ad,
                    "date_start": d,
                    "date_stop": d,
                    "breakdown": "",
                    "currency": "USD",
                    "spend": spend,
                    "impressions": imp,
                    "reach": imp // 2,
                    "clicks": clicks * 2,
                    "link_clicks": clicks,
                    "results": results,
                    "result_type": "purchase",
                    "purchases": results,
                    "purchase_value": results * 60.0,
                }
            )
    insert("ad_stats", rows)
    root = workspace.root
    (root / "case-studies" / "assets").mkdir(parents=True)
    (root / "case-studies" / "assets" / "hero.png").write_bytes(PNG_1x1)
    (root / "case-studies" / "spring.md").write_text(PAID)
    (root / "case-studies" / "coffee.md").write_text(MOCK)
    (root / "profile.yaml").write_text(
        textwrap.dedent("""\
        name: Dana Lee
        headline: Paid social specialist
        summary: I turn platform data into cheaper results.
        email: dana@example.com
        target_roles: [Paid social specialist, Social media manager]
        links:
          - {label: LinkedIn, url: "https://www.linkedin.com/in/example"}
        """)
    )
    return workspace


def write_study(ws: Any, name: str, text: str) -> Path:
    path = ws.root / "case-studies" / name
    path.write_text(text)
    return path
