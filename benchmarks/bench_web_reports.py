"""Pages of the workbench that show a library report, and what the charts' specs weigh.

The demo workspace of ``benchmarks/bench_web.py`` (the bundled sample exports) with the
demo's pilots. Server time in-process as ``bench_web.server_times`` measures it (cold,
uncached p95, warm median and p95) and first paint in Chromium (``bench_web.first_paint``)
for a pilot's page (its report, charts drawn from the specs the report carries), the plan
page over the whole history and over 180 days, and Settings (with its tier rows). Then
the audit's and the pilot's HTML reports as the CLI writes them: total size, and the share
taken by the charts' Vega-Lite specs (the ``data-spec`` attributes).

Target (issue 11): server time < 300 ms p95 and first paint < 1 s on the demo workspace;
pages under 300 KB before charts' data.
Run: .venv/bin/python -m benchmarks.bench_web_reports
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from benchmarks import bench_web
from benchmarks._cli import no_options
from benchmarks.bench_web import first_paint, server_times

# a folder of its own: bench_web may be running beside this one
WORK = Path(__file__).parent / "_work" / "web_reports"


def report_weights(ws: Any, pilot: str) -> list[tuple[str, float, float, int]]:
    """(report, KB, KB of chart specs, charts) for the audit and a pilot report."""
    from socialproof.campaigns import audit_report, pilot_report
    from socialproof.campaigns.audit import audit
    from socialproof.campaigns.pilots import analyse

    out = []
    for name, report in (
        ("audit (every platform)", audit_report.build(audit(ws), owner=ws.settings.owner)),
        (f"pilot '{pilot}'", pilot_report.build_report(analyse(ws, pilot))),
    ):
        html = report.render()
        specs = re.findall(r'data-spec="([^"]*)"', html)
        out.append((name, len(html) / 1024, sum(len(s) for s in specs) / 1024, len(specs)))
    return out


def main() -> None:
    no_options(__doc__)
    from socialproof.campaigns.pilots import demo_pilot, list_pilots

    t = time.perf_counter()
    bench_web.WORK = WORK
    ws = bench_web.make_workspace()
    demo_pilot(ws)
    pilot = list_pilots(ws)[0].name
    print(f"workspace built in {time.perf_counter() - t:.1f} s; load {os.getloadavg()[0]:.1f}")
    pages = [
        f"/pilots/{quote(pilot)}",
        "/pilots/plan?metric=engagement_rate&mde=10%25&history=all",
        "/pilots/plan?metric=engagement_rate&mde=10%25&baseline_days=180",
        "/settings",
    ]
    weights = report_weights(ws, pilot)
    rows = server_times(ws, pages)
    paint = first_paint(ws, pages)
    print(f"load after: {open('/proc/loadavg').read().split()[:3]}")
    print(
        "| page | cold (ms) | uncached p95 (ms) | warm median (ms) | warm p95 (ms) "
        "| first paint (ms) | size (KB) |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| `{r['page']}` | {r['cold_ms']:,.0f} | {r['uncached_p95_ms']:,.0f} "
            f"| {r['warm_median_ms']:,.0f} | {r['warm_p95_ms']:,.0f} "
            f"| {paint.get(r['page'], float('nan')):,.0f} | {r['kb']:,.0f} |"
        )
    print()
    print("| HTML report | size (KB) | of which chart specs (KB) | charts |")
    print("|---|---|---|---|")
    for name, kb, spec_kb, n in weights:
        print(f"| {name} | {kb:,.0f} | {spec_kb:,.1f} | {n} |")


if __name__ == "__main__":
    main()
