"""Server time, size and first paint of every page of the workbench.

The demo workspace (``socialproof.demo.prepare``: the bundled sample exports of Meta Ads,
Instagram, Facebook, TikTok, LinkedIn, X, YouTube and conversations, scored; pilots, case
studies, a profile, postings, planned posts). Each page is requested in-process (FastAPI
TestClient: routing, library calls, template rendering; no network), with the app started
as ``socialproof serve`` starts it (``warm=True``: background jobs store the inbox and the
dashboard's daily roll-ups; measured after they end): once cold (first request after
start), 10 times with the result cache cleared before each request (every result the page
keeps in memory computed again, stored results read), 20 times warm (results kept while
the database is unchanged); for the dashboard also 10 custom ranges asked for the first
time (what a new date range costs) and 10 visits right after an import the background jobs
have not seen (a day of ad rows written, the roll-ups' touched days added up by the page).
First contentful paint comes from Debian's Chromium over a real uvicorn on 127.0.0.1, after
one warming visit.

Targets (issue 11): every page's server time < 300 ms (p95) and first paint < 1 s on the
demo workspace; pages under 300 KB before charts' data.
Run: nice -n 5 .venv/bin/python -m benchmarks.bench_web [--pages URL ...] [--no-paint]
"""

from __future__ import annotations

import shutil
import socket
import statistics
import threading
import time
from pathlib import Path
from typing import Any

WORK = Path(__file__).parent / "_work" / "web_measure"
PAGES = [
    "/",
    "/import",
    "/dashboard",
    "/dashboard?range=90d&compare=year",
    "/campaigns",
    "/campaigns?view=ads",
    "/campaigns?view=pacing&budget=20000",
    "/campaigns?view=fatigue",
    "/posts",
    "/posts?platform=instagram&sort=-reach",
    "/audit",
    "/pilots",
    "/pilots/plan?metric=ctr_link&mde=10%25",
    "/pilots/plan?metric=engagement_rate&mde=10%25&history=all",
    "/pilots/{pilot}",
    "/community",
    "/community/moderation",
    "/community/themes",
    "/content",
    "/content/calendar",
    "/content/calendar?view=month",
    "/content/approvals",
    "/content/exports",
    "/portfolio",
    "/career",
    "/career/posting",
    "/career/roles",
    "/career/market",
    "/settings",
    "/about",
]
RUNS = 20
UNCACHED_RUNS = 5
FCP_JS = """() => new Promise((resolve) => {
  new PerformanceObserver((list) => {
    const e = list.getEntriesByName('first-contentful-paint')[0];
    if (e) { resolve(e.startTime); }
  }).observe({type: 'paint', buffered: true});
  setTimeout(() => resolve(-1), 5000);
})"""


def demo_workspace() -> Any:
    """The demo workspace, built afresh under WORK."""
    from socialproof.demo import prepare
    from socialproof.workspace import Workspace

    shutil.rmtree(WORK, ignore_errors=True)
    return Workspace.open(prepare(WORK))


def pages_of(ws: Any) -> list[str]:
    """PAGES with the demo's first pilot named."""
    from urllib.parse import quote

    from socialproof.campaigns.pilots import list_pilots

    pilots = list_pilots(ws)
    out = []
    for url in PAGES:
        if "{pilot}" in url:
            if not pilots:
                continue
            url = url.replace("{pilot}", quote(pilots[0].name))
        out.append(url)
    return out


def make_workspace() -> Any:
    from socialproof.demo import EXPORTS, SAMPLES
    from socialproof.ingest.importer import import_paths
    from socialproof.workspace import Workspace
    from socialproof.workspace.settings import settings_from_dict

    shutil.rmtree(WORK, ignore_errors=True)
    settings = settings_from_dict(
        {
            "owner": "Sam Rivera (sample)",
            "timezone": "Europe/Berlin",
            "currency": "USD",
            "brand": {
                "handles": ["AcmeHomeHelp"],
                "accounts": {
                    "instagram": "acme.home",
                    "meta": "acme.home",
                    "linkedin": "acme-home",
                    "youtube": "acmehome",
                },
            },
        }
    )
    ws = Workspace.init(WORK, settings=settings)
    summaries = import_paths(ws, [SAMPLES / name for name in EXPORTS])
    failed = [s for s in summaries if s.failed]
    if failed:
        print(f"{len(failed)} sample file(s) not imported: {failed[0].error}")
    return ws


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


COLD = """
import json, sys, time
from fastapi.testclient import TestClient
from socialproof.web.app import create_app
from socialproof.workspace import Workspace
app = create_app(Workspace.open(sys.argv[1]), warm=True)
out = {}
with TestClient(app, base_url="http://127.0.0.1:8765") as client:
    deadline = time.monotonic() + 900
    while any(j.running for j in app.state.jobs.all()) and time.monotonic() < deadline:
        time.sleep(0.05)
    for url in sys.argv[2:]:
        t, c = time.perf_counter(), time.process_time()
        r = client.get(url)
        ms, cpu = (time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000
        out[url] = [ms, cpu, 'class="pending' in r.text, r.status_code]
print(json.dumps(out))
"""


def cold_ms(ws: Any, urls: list[str]) -> dict[str, tuple[float, float, bool]]:
    """The first request of each of ``urls`` in a server process of its own, started as
    ``socialproof serve`` starts it (its start-up jobs ended), one page after the other:
    url -> (ms, CPU ms, answered with a placeholder)."""
    import json
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", COLD, str(ws.root), *urls],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[1],
    ).stdout
    got = json.loads(out.strip().splitlines()[-1])
    for url, (_ms, _cpu, _pending, status) in got.items():
        if status != 200:
            print(f"{url} answered {status} on its cold visit (measured as it is)")
    return {url: (v[0], v[1], bool(v[2])) for url, v in got.items()}


def _settle(app: Any, timeout: float = 900.0) -> None:
    """Wait for the background jobs and the placeholders' computations to end."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        busy = getattr(app.state.cache, "busy", lambda: False)()
        if not busy and not any(j.running for j in app.state.jobs.all()):
            return
        time.sleep(0.05)


def _pending(html: str) -> bool:
    return 'class="pending' in html


def server_times(
    ws: Any,
    pages: list[str] | None = None,
    *,
    runs: int = UNCACHED_RUNS,
    cold: bool = True,
    cold_each: bool = False,
) -> list[dict[str, Any]]:
    """Per page: cold (a fresh server process), right after an import (p95, CPU, placeholder
    shown, ms until filled), first visit once the jobs ran after an import, warm p95."""
    from fastapi.testclient import TestClient

    from benchmarks.bench_web_scale import fake_import, undo_fake_import
    from socialproof.web.app import create_app

    pages = pages or PAGES
    rows: dict[str, dict[str, Any]] = {url: {"page": url} for url in pages}
    if cold:  # one fresh process per page with --cold-each, else one for every page
        groups = [[url] for url in pages] if cold_each else [pages]
        for group in groups:
            for url, (ms, cpu, pending) in cold_ms(ws, group).items():
                rows[url].update(cold_ms=ms, cold_cpu_ms=cpu, cold_pending=pending)
    app = create_app(ws, warm=True)
    with TestClient(app, base_url="http://127.0.0.1:8765") as client:
        _settle(app)
        for url in pages:
            row = rows[url]
            imported, imported_cpu, shown, filled = [], [], 0, []
            for i in range(runs):
                fake_import(app.state.ws, f"bench-web-{i}")
                t, c = time.perf_counter(), time.process_time()
                r = client.get(url)
                imported.append(time.perf_counter() - t)
                imported_cpu.append(time.process_time() - c)
                if r.status_code != 200:
                    print(f"{url} answered {r.status_code} after an import (measured as it is)")
                if _pending(r.text):  # as htmx does: ask again until it is there
                    shown += 1
                    while _pending(r.text) and time.perf_counter() - t < 300:
                        time.sleep(0.05)
                        r = client.get(url)
                    filled.append(time.perf_counter() - t)
                _settle(app)
                undo_fake_import(app.state.ws, f"bench-web-{i}")
            client.get(url)
            _settle(app)
            warm = []
            for _ in range(RUNS):
                t = time.perf_counter()
                r = client.get(url)
                warm.append(time.perf_counter() - t)
            new: list[float] = []
            if url.startswith("/dashboard"):
                for i in range(runs):
                    t = time.perf_counter()
                    client.get(
                        f"/dashboard?range=custom&start=2026-01-{1 + i:02d}&end=2026-03-{10 + i}"
                    )
                    new.append(time.perf_counter() - t)
            row.update(
                imported_p95_ms=p95(imported) * 1000 if imported else float("nan"),
                imported_cpu_ms=statistics.median(imported_cpu) * 1000
                if imported
                else float("nan"),
                imported_placeholders=shown,
                filled_p95_ms=p95(filled) * 1000 if filled else float("nan"),
                new_p95_ms=p95(new) * 1000 if new else float("nan"),
                warm_median_ms=statistics.median(warm) * 1000,
                warm_p95_ms=p95(warm) * 1000,
                kb=len(r.content) / 1024,
            )
        # one import, then its follow-up jobs, then each page's first visit
        fake_import(app.state.ws, "bench-web-jobs")
        app.state.jobs.after_write()
        t = time.perf_counter()
        _settle(app)
        print(f"jobs after an import: {time.perf_counter() - t:.1f} s")
        for url in pages:
            t, c = time.perf_counter(), time.process_time()
            r = client.get(url)
            rows[url].update(
                prepared_ms=(time.perf_counter() - t) * 1000,
                prepared_cpu_ms=(time.process_time() - c) * 1000,
                prepared_pending=_pending(r.text),
            )
            _settle(app)
        undo_fake_import(app.state.ws, "bench-web-jobs")
    return [rows[url] for url in pages]


def first_paint(ws: Any, pages: list[str] | None = None) -> dict[str, float]:
    """First contentful paint per page in Chromium over a real uvicorn on 127.0.0.1."""
    import uvicorn
    from playwright.sync_api import sync_playwright

    from socialproof.web.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(ws), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    out: dict[str, float] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
            )
            for url in pages or PAGES:
                page = browser.new_page()
                page.goto(f"http://127.0.0.1:{port}{url}")  # warm the server's caches
                page.close()
                page = browser.new_page()
                page.goto(f"http://127.0.0.1:{port}{url}")
                out[url] = float(page.evaluate(FCP_JS))
                page.close()
            browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=20)
    return out


def main() -> None:
    import argparse
    import os

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", nargs="*", help="only these pages (default: every page)")
    parser.add_argument("--no-paint", action="store_true")
    parser.add_argument("--no-cold", action="store_true", help="no fresh server process")
    parser.add_argument("--cold-each", action="store_true", help="a fresh process per page")
    parser.add_argument("--runs", type=int, default=UNCACHED_RUNS, help="imports per page")
    args = parser.parse_args()
    t = time.perf_counter()
    print(f"load average at the start: {open('/proc/loadavg').read().split()[:3]}")
    ws = demo_workspace()
    print(f"workspace built in {time.perf_counter() - t:.1f} s; load {os.getloadavg()[0]:.1f}")
    pages = args.pages or pages_of(ws)
    rows = server_times(ws, pages, runs=args.runs, cold=not args.no_cold, cold_each=args.cold_each)
    print(f"load average after the server times: {open('/proc/loadavg').read().split()[:3]}")
    paint = {} if args.no_paint else first_paint(ws, pages)
    nan = float("nan")
    print(
        "| page | cold (ms) | cold CPU (ms) | after import p95 (ms) | after import CPU (ms) "
        "| placeholders | filled p95 (ms) | after import + jobs (ms) | new range p95 (ms) "
        "| warm median (ms) | warm p95 (ms) | first paint (ms) | size (KB) |"
    )
    print("|---|" + "---:|" * 12)
    for r in rows:
        cold = f"{r.get('cold_ms', nan):,.0f}" + (" (P)" if r.get("cold_pending") else "")
        prepared = f"{r['prepared_ms']:,.0f}" + (" (P)" if r["prepared_pending"] else "")
        print(
            f"| `{r['page']}` | {cold} | {r.get('cold_cpu_ms', nan):,.0f} | "
            f"{r['imported_p95_ms']:,.0f} | {r['imported_cpu_ms']:,.0f} | "
            f"{r['imported_placeholders']}/{args.runs} | {r['filled_p95_ms']:,.0f} | "
            f"{prepared} | {r['new_p95_ms']:,.0f} | "
            f"{r['warm_median_ms']:.0f} | {r['warm_p95_ms']:.0f} | "
            f"{paint.get(r['page'], -1):.0f} | {r['kb']:.0f} |"
        )
    print("(P): answered with a progress placeholder")
    for key in ("cold_ms", "imported_p95_ms", "prepared_ms", "warm_p95_ms"):
        worst = max(rows, key=lambda r: r.get(key, 0))
        print(f"worst {key}: {worst['page']} {worst.get(key, nan):.0f} ms")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
