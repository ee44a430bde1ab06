"""``report campaigns`` over 10,000,000 ad rows (target: under 2 s, peak memory under 2 GB).

    .venv/bin/python -m benchmarks.reports_campaigns [--rows N] [--runs 5]

Generates the rows inside DuckDB (through the engine's bookkeeping helper, in a
workspace transaction) under benchmarks/_work/reports (reused when the size
matches): 10,000 ads in 1,000 ad sets and 100 campaigns, one row per ad per day,
two platforms, one currency. Then, in a fresh process so peak memory is the
report's own, times :func:`socialproof.campaigns.report.campaign_report` end to
end (open workspace, tidy view, checks, grouped KPIs, pandas result) for three
groupings, and prints the median of the runs after one warm-up call.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from socialproof.workspace import Workspace, engine

WORK = Path(__file__).parent / "_work" / "reports"
ADS = 10_000


def build(rows: int) -> Workspace:
    root = WORK / f"ads_{rows}"
    if (root / "socialproof.toml").exists():
        return Workspace.open(root)
    if root.exists():
        shutil.rmtree(root)
    ws = Workspace.init(root)
    t0 = time.perf_counter()
    with ws.transaction() as con:
        engine.query_rows(
            con,
            f"""
            INSERT INTO ad_stats (platform, account, campaign, ad_set, ad, date_start, date_stop,
                breakdown, objective, currency, spend, impressions, reach, clicks, link_clicks,
                results, result_type, purchases, purchase_value, import_id)
            SELECT
                CASE WHEN i % 7 = 0 THEN 'tiktok' ELSE 'meta' END,
                'act_1',
                'campaign_' || ((i % {ADS}) // 100),
                'adset_' || ((i % {ADS}) // 10),
                'ad_' || (i % {ADS}),
                DATE '2023-01-01' + CAST(i // {ADS} AS INTEGER),
                DATE '2023-01-01' + CAST(i // {ADS} AS INTEGER),
                '', 'sales', 'USD',
                round(random() * 80, 2),
                imp, CAST(imp / (1.2 + random()) AS BIGINT),
                CAST(imp * 0.02 * random() AS BIGINT),
                CAST(imp * 0.01 * random() AS BIGINT),
                CAST(imp * 0.002 * random() AS DOUBLE),
                'actions:offsite_conversion.fb_pixel_purchase',
                CAST(imp * 0.002 * random() AS BIGINT),
                round(imp * 0.1 * random(), 2),
                'bench'
            FROM (SELECT range AS i, CAST(500 + random() * 20000 AS BIGINT) AS imp
                  FROM range({rows}))
            """,
        )
    print(f"generated {rows:,} ad rows in {time.perf_counter() - t0:.1f} s")
    return ws


def _cpu() -> float:
    """CPU seconds of this process (all threads): less sensitive to a busy machine."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def measure(rows: int, runs: int) -> None:
    from socialproof.campaigns.report import campaign_report

    ws = Workspace.open(WORK / f"ads_{rows}")
    cases = {
        "by platform,campaign": {"by": "platform,campaign"},
        "by campaign, month": {"by": "campaign", "period": "month"},
        "by platform,campaign,ad_set,ad (10,000 groups)": {"by": "platform,campaign,ad_set,ad"},
    }
    for name, kw in cases.items():
        campaign_report(ws, **kw)  # type: ignore[arg-type]  # warm-up
        times, cpu = [], []
        for _ in range(runs):
            t0, c0 = time.perf_counter(), _cpu()
            res = campaign_report(ws, **kw)  # type: ignore[arg-type]
            times.append(time.perf_counter() - t0)
            cpu.append(_cpu() - c0)
        print(
            f"report campaigns {name}: median {statistics.median(times):.3f} s wall, "
            f"{statistics.median(cpu):.3f} s CPU (wall min {min(times):.3f}, max "
            f"{max(times):.3f}; {runs} runs; {len(res.frame):,} rows; load average "
            f"{os.getloadavg()[0]:.1f})"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the measuring process: {peak:,.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        measure(args.rows, args.runs)
        return
    build(args.rows)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.reports_campaigns",
            "--measure",
            "--rows",
            str(args.rows),
            "--runs",
            str(args.runs),
        ],
        check=True,
    )


if __name__ == "__main__":
    main()
