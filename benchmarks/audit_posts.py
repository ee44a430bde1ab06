"""``audit`` over 1,000,000 posts (target: under 10 s, peak memory under 2 GB).

    .venv/bin/python -m benchmarks.audit_posts [--posts N] [--runs 3]

Generates posts inside DuckDB (through the engine's bookkeeping helper, in a
workspace transaction) under benchmarks/_work/audit (reused when the size
matches): five platforms, four accounts each, five formats, about three years of
posts with heavy-tailed interactions, plus a daily follower series per account.
Then, in a fresh process so peak memory is the audit's own, times
:func:`socialproof.campaigns.audit.audit` end to end (all facets, top/bottom,
growth, benchmarks, recommendations) and building the HTML page, and prints the
median of the runs after one warm-up call.
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

WORK = Path(__file__).parent / "_work" / "audit"


def build(posts: int) -> Workspace:
    root = WORK / f"posts_{posts}"
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
            INSERT INTO posts (platform, post_id, account, published_at, format, text, reach,
                impressions, reactions, comments, shares, saves, import_id)
            SELECT
                ['instagram', 'facebook', 'tiktok', 'linkedin', 'x'][1 + i % 5],
                'p' || i,
                'acct_' || ((i // 5) % 4),
                TIMESTAMP '2023-01-01' + to_seconds(CAST(i * (94608000 / {posts}) AS BIGINT)),
                ['reel', 'carousel', 'image', 'video', 'text'][1 + CAST(random() * 4.999 AS INT)],
                'Post number ' || i || ' #bench',
                r, CAST(r * 1.3 AS BIGINT),
                CAST(r * 0.03 * exp(random() * 2 - 1) AS BIGINT),
                CAST(r * 0.003 * random() AS BIGINT),
                CAST(r * 0.002 * random() AS BIGINT),
                CAST(r * 0.004 * random() AS BIGINT),
                'bench'
            FROM (SELECT range AS i, CAST(200 + 20000 * pow(random(), 3) AS BIGINT) AS r
                  FROM range({posts}))
            """,
        )
        engine.query_rows(
            con,
            """
            INSERT INTO account_daily (platform, account, date, metric, value, import_id)
            SELECT p, 'acct_' || a, DATE '2023-01-01' + CAST(d AS INTEGER), 'followers',
                   10000 + d * (a + 1) * 3 + p_idx * 100, 'bench'
            FROM (SELECT unnest(['instagram', 'facebook', 'tiktok', 'linkedin', 'x']) AS p,
                         generate_subscripts(['instagram', 'facebook', 'tiktok', 'linkedin',
                                              'x'], 1) AS p_idx),
                 range(4) t(a), range(1095) u(d)
            """,
        )
    print(f"generated {posts:,} posts in {time.perf_counter() - t0:.1f} s")
    return ws


def _cpu() -> float:
    """CPU seconds of this process (all threads): less sensitive to a busy machine."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def measure(posts: int, runs: int) -> None:
    from socialproof.campaigns import audit_report
    from socialproof.campaigns.audit import audit

    ws = Workspace.open(WORK / f"posts_{posts}")
    audit(ws)  # warm-up
    times, cpu, html_times = [], [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), _cpu()
        res = audit(ws)
        times.append(time.perf_counter() - t0)
        cpu.append(_cpu() - c0)
        t0 = time.perf_counter()
        audit_report.build(res).render()
        html_times.append(time.perf_counter() - t0)
    n_recs = sum(len(a.recommendations) for a in res.accounts)
    print(
        f"audit over {posts:,} posts ({len(res.accounts)} accounts, {n_recs} recommendations): "
        f"median {statistics.median(times):.2f} s wall, {statistics.median(cpu):.2f} s CPU "
        f"(wall min {min(times):.2f}, max {max(times):.2f}; {runs} runs; load average "
        f"{os.getloadavg()[0]:.1f})"
    )
    print(f"HTML page from the audit: median {statistics.median(html_times) * 1000:.0f} ms")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the measuring process: {peak:,.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--posts", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        measure(args.posts, args.runs)
        return
    build(args.posts)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.audit_posts",
            "--measure",
            "--posts",
            str(args.posts),
            "--runs",
            str(args.runs),
        ],
        check=True,
    )


if __name__ == "__main__":
    main()
