"""Portfolio build speed: 100 case studies, each with computed figures and a chart.

Target (issue 5): build in under 5 s; each case study page under 100 KB before images.
Run: .venv/bin/python -m benchmarks.portfolio_build
"""

from __future__ import annotations

import shutil
import statistics
import time
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa

from benchmarks._cli import no_options
from socialproof.portfolio.site import build_site
from socialproof.workspace import Workspace, engine
from socialproof.workspace.schema import AD_STATS

WORK = Path(__file__).parent / "_work" / "portfolio"
N_STUDIES = 100


def make_workspace() -> Workspace:
    shutil.rmtree(WORK, ignore_errors=True)
    ws = Workspace.init(WORK)
    rows = []
    for c in range(N_STUDIES):
        for day in range(60):
            d = date(2026, 1, 1) + timedelta(days=day)
            for ad in ("A", "B"):
                rows.append(
                    {
                        "platform": "facebook",
                        "account": "",
                        "campaign": f"Campaign {c:03d}",
                        "ad_set": "Broad",
                        "ad": ad,
                        "date_start": d,
                        "date_stop": d,
                        "breakdown": "",
                        "spend": 40.0 + (day % 7),
                        "impressions": 1000 + 10 * day,
                        "reach": 600,
                        "link_clicks": 10 + day % 5,
                        "clicks": 20,
                        "results": 2 + day % 3,
                        "purchases": 2,
                        "purchase_value": 120.0,
                    }
                )
    with ws.transaction() as con:
        engine.upsert(con, AD_STATS, pa.Table.from_pylist(rows))
    for c in range(N_STUDIES):
        (ws.root / "case-studies" / f"study-{c:03d}.md").write_text(f"""---
title: Campaign {c:03d} for a retail brand
kind: paid
role: Paid social specialist
client: Retail client {c}
platforms: [facebook]
period: {{start: 2026-01-01, end: 2026-03-01}}
summary: Cut the cost per purchase while growing spend.
goals: [{{description: Lower cost per purchase, metric: cost_per_result, target: 18}}]
strategy: Broad targeting and weekly creative refresh.
execution: Two ads tested against each other.
outcomes:
  - {{label: Cost per purchase, kpi: cost_per_result, where: {{campaign: Campaign {c:03d}}}, target: 18}}
  - {{label: ROAS, kpi: roas, where: {{campaign: Campaign {c:03d}}}, baseline: 2.0}}
  - {{label: Store visits, value: 300, unit: count, target: 250}}
charts:
  - {{kpi: ctr_link, where: {{campaign: Campaign {c:03d}}}, period: week}}
budget: {{min: 2000, max: 4000}}
targeting: Adults 25-54.
---
## Story

A paragraph of narrative for case study {c}.
""")
    return ws


def main() -> None:
    no_options(__doc__)
    ws = make_workspace()
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        result = build_site(ws)
        times.append(time.perf_counter() - t0)
    pages = [p for p in result.out.glob("study*.html")] or [
        p for p in result.out.glob("campaign-*.html")
    ]
    biggest = max(p.stat().st_size for p in pages)
    print(f"portfolio build, {N_STUDIES} case studies with 2 computed figures and a chart each:")
    print(
        f"  median {statistics.median(times):.2f} s (runs: {', '.join(f'{t:.2f}' for t in times)})"
    )
    print(f"  largest case study page {biggest / 1024:.1f} KB ({len(pages)} pages)")


if __name__ == "__main__":
    main()
