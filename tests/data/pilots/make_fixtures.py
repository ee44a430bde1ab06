"""Regenerate the pilot fixtures (synthetic, our own): python tests/data/pilots/make_fixtures.py.

posts.csv: 40 reels and 40 carousels (Instagram, March-April 2026) where reels
engage better, 12 images labelled "summer", 2 text posts without reach.
ad_stats.csv: two ads of one campaign, daily for 30 days; ad "Spring B" has a
higher link CTR; a third ad is in EUR.
"""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent


def posts() -> list[dict[str, object]]:
    rng = np.random.default_rng(42)
    rows: list[dict[str, object]] = []
    start = datetime(2026, 3, 1, 9, 0)
    for i in range(96):
        fmt = ("reel", "carousel")[i % 2] if i < 80 else ("image" if i < 92 else "text")
        reach = int(rng.integers(800, 5000))
        rate = {"reel": 0.060, "carousel": 0.045, "image": 0.04, "text": 0.03}[fmt]
        rate *= float(rng.lognormal(0, 0.25))
        inter = int(reach * rate)
        rows.append(
            {
                "platform": "instagram",
                "post_id": f"ig{i:03d}",
                "account": "acme",
                "published_at": (start + timedelta(hours=15 * i)).isoformat(sep=" "),
                "format": fmt,
                "labels": "summer, promo" if fmt == "image" else "",
                "campaign": "Spring launch" if i % 3 == 0 else "Always on",
                "impressions": "" if fmt == "text" else int(reach * 1.3),
                "reach": "" if fmt == "text" else reach,
                "reactions": int(inter * 0.7),
                "comments": int(inter * 0.1),
                "shares": int(inter * 0.1),
                "saves": inter - int(inter * 0.7) - 2 * int(inter * 0.1),
                "link_clicks": int(reach * 0.01),
            }
        )
    return rows


def ads() -> list[dict[str, object]]:
    rng = np.random.default_rng(7)
    rows: list[dict[str, object]] = []
    for ad, ctr, cur in (
        ("Spring A", 0.010, "USD"),
        ("Spring B", 0.013, "USD"),
        ("Spring C", 0.011, "EUR"),
    ):
        for d in range(30):
            imp = int(rng.integers(4000, 6000))
            rows.append(
                {
                    "platform": "meta",
                    "account": "acme ads",
                    "campaign": "Spring sale" if cur == "USD" else "Spring sale EU",
                    "ad_set": "Broad",
                    "ad": ad,
                    "date_start": (date(2026, 3, 1) + timedelta(days=d)).isoformat(),
                    "date_stop": (date(2026, 3, 1) + timedelta(days=d)).isoformat(),
                    "breakdown": "",
                    "currency": cur,
                    "spend": round(imp * 0.008, 2),
                    "impressions": imp,
                    "reach": int(imp / 1.4),
                    "clicks": int(rng.binomial(imp, ctr * 1.8)),
                    "link_clicks": int(rng.binomial(imp, ctr)),
                }
            )
    return rows


def write(name: str, rows: list[dict[str, object]]) -> None:
    with (HERE / name).open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


if __name__ == "__main__":
    write("posts.csv", posts())
    write("ad_stats.csv", ads())
