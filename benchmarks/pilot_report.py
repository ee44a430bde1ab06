"""Pilot report speed: 100,000 posts and 1,000,000 ad rows (target: under 1 s a report).

    .venv/bin/python -m benchmarks.pilot_report [--posts N] [--ad-rows N] [--runs 5]

Builds a synthetic workspace under benchmarks/_work/pilots (reused when the
sizes match), then times :func:`socialproof.campaigns.pilots.analyse` end to end
(Ibis expressions on DuckDB, data assembly, the tests) for a per-post pilot
(Welch), a two-ad CTR pilot (two-proportion) and a three-ad pilot (Holm), plus
``pilot plan`` estimating from the workspace. Prints the median of the runs
after one warm-up call (the first call also pays for imports).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa

from socialproof.campaigns import pilots
from socialproof.workspace import Workspace, engine

WORK = Path(__file__).parent / "_work" / "pilots"
FORMATS = np.array(["reel", "carousel", "image", "video", "text"])


def _posts(n: int, rng: np.random.Generator) -> pa.Table:
    start = datetime(2024, 1, 1)
    minutes = np.sort(rng.integers(0, 800 * 24 * 60, n))
    reach = rng.integers(200, 20_000, n)
    fmt = FORMATS[rng.integers(0, len(FORMATS), n)]
    rate = np.where(fmt == "reel", 0.05, 0.04) * rng.lognormal(0, 0.4, n)
    inter = (reach * rate).astype(np.int64)
    return pa.table(
        {
            "platform": np.where(rng.random(n) < 0.5, "instagram", "facebook"),
            "post_id": [f"p{i}" for i in range(n)],
            "account": ["acme"] * n,
            "published_at": [start + timedelta(minutes=int(m)) for m in minutes],
            "format": fmt,
            "labels": np.where(rng.random(n) < 0.1, "summer, promo", ""),
            "campaign": np.where(rng.random(n) < 0.3, "Spring launch", "Always on"),
            "impressions": (reach * 1.3).astype(np.int64),
            "reach": reach,
            "reactions": (inter * 0.7).astype(np.int64),
            "comments": (inter * 0.1).astype(np.int64),
            "shares": (inter * 0.1).astype(np.int64),
            "saves": (inter * 0.1).astype(np.int64),
            "import_id": ["bench"] * n,
        }
    )


def _ads(n: int, rng: np.random.Generator) -> pa.Table:
    days = 500
    n_ads = max(2, n // days)
    ad_idx = np.repeat(np.arange(n_ads), days)[:n]
    day_idx = np.tile(np.arange(days), n_ads)[:n]
    first = date(2025, 1, 1)
    dates = np.array([first + timedelta(days=int(d)) for d in range(days)])[day_idx]
    imp = rng.integers(500, 8000, n)
    ctr = 0.008 + 0.004 * (ad_idx % 7) / 7
    return pa.table(
        {
            "platform": ["meta"] * n,
            "account": ["acme ads"] * n,
            "campaign": [f"Campaign {i // 10}" for i in ad_idx],
            "ad_set": [f"Set {i // 5}" for i in ad_idx],
            "ad": [f"Ad {i}" for i in ad_idx],
            "date_start": dates,
            "date_stop": dates,
            "breakdown": [""] * n,
            "currency": ["USD"] * n,
            "spend": imp * 0.009,
            "impressions": imp,
            "reach": (imp / 1.3).astype(np.int64),
            "clicks": rng.binomial(imp, ctr * 1.8),
            "link_clicks": rng.binomial(imp, ctr),
            "import_id": ["bench"] * n,
        }
    )


def build(n_posts: int, n_ads: int) -> Workspace:
    marker = WORK / f"sizes-{n_posts}-{n_ads}"
    if marker.exists():
        return Workspace.open(WORK / "ws")
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    ws = Workspace.init(WORK / "ws")
    rng = np.random.default_rng(0)
    with ws.transaction() as con:
        engine.append(con, "posts", _posts(n_posts, rng))
        engine.append(con, "ad_stats", _ads(n_ads, rng))
    for p in (
        pilots.define(
            "Reels vs carousels",
            "engagement_rate",
            ["format=reel", "format=carousel"],
            "2025-01-01",
            "2025-12-31",
        ),
        pilots.define("Two ads", "ctr", ["ad=Ad 3", "ad=Ad 5"], "2025-01-01", "2025-06-30"),
        pilots.define(
            "Three ads", "ctr", ["ad=Ad 3", "ad=Ad 5", "ad=Ad 6"], "2025-01-01", "2025-06-30"
        ),
        pilots.define(
            "Label vs campaign",
            "engagement_rate",
            ["label:summer,format=image", "campaign~spring,format=video"],
            "2024-01-01",
            "2025-12-31",
        ),
    ):
        pilots.create(ws, p)
    marker.touch()
    return ws


def _time(fn: object, runs: int) -> tuple[float, float]:
    t0 = time.perf_counter()
    fn()  # type: ignore[operator]
    first = time.perf_counter() - t0
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t0)
    return first, statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--posts", type=int, default=100_000)
    ap.add_argument("--ad-rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    t0 = time.perf_counter()
    ws = build(args.posts, args.ad_rows)
    print(
        f"workspace: {args.posts:,} posts, {args.ad_rows:,} ad rows "
        f"(ready in {time.perf_counter() - t0:.1f} s)"
    )
    for name in ("Reels vs carousels", "Two ads", "Three ads", "Label vs campaign"):
        res = pilots.analyse(ws, name)
        first, median = _time(lambda n=name: pilots.analyse(ws, n), args.runs)
        print(
            f"pilot report {name!r:24} {res.test:22} first {first:.3f} s, "
            f"median of {args.runs} {median:.3f} s"
        )
    first, median = _time(lambda: pilots.plan(ws, "ctr", "10%", table="ad_stats"), args.runs)
    print(
        f"pilot plan ctr (from workspace)                        first {first:.3f} s, "
        f"median of {args.runs} {median:.3f} s"
    )


if __name__ == "__main__":
    main()
