"""Server time, size and first paint of the workbench's measure pages.

A workspace built like ``socialproof demo``'s (the bundled sample exports: Meta Ads,
Instagram, Facebook, TikTok, LinkedIn, X, YouTube, conversations). Each page is requested
in-process (FastAPI TestClient: routing, library calls, template rendering; no network),
with the app started as ``socialproof serve`` starts it (``warm=True``: background jobs
store the inbox and compute the dashboard's daily roll-ups; measured after they end):
once cold (first request after start), 10 times with the result cache cleared before
each request (every result computed again: what a visit right after an import costs),
20 times warm (results kept while the database is unchanged) and, for the dashboard, 10
custom ranges asked for the first time (the time a new date range costs). First
contentful paint comes from Debian's Chromium over a real uvicorn on 127.0.0.1, after
one warming visit.

Targets (issue 11): every page's server time < 300 ms (p95) and first paint < 1 s on the
demo workspace; pages under 300 KB before charts' data.
Run: nice -n 10 .venv/bin/python -m benchmarks.bench_web
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
    "/settings",
]
RUNS = 20
UNCACHED_RUNS = 10
FCP_JS = """() => new Promise((resolve) => {
  new PerformanceObserver((list) => {
    const e = list.getEntriesByName('first-contentful-paint')[0];
    if (e) { resolve(e.startTime); }
  }).observe({type: 'paint', buffered: true});
  setTimeout(() => resolve(-1), 5000);
})"""


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


def server_times(
    ws: Any, pages: list[str] | None = None, *, uncached_runs: int = UNCACHED_RUNS
) -> list[dict[str, Any]]:
    """Per page: the cold first request, uncached p95 (caches cleared), warm median and p95."""
    from fastapi.testclient import TestClient

    from socialproof.web.app import create_app

    app = create_app(ws, warm=True)
    rows = []
    with TestClient(app, base_url="http://127.0.0.1:8765") as client:
        deadline = time.monotonic() + 600
        while any(j.running for j in app.state.jobs.all()) and time.monotonic() < deadline:
            time.sleep(0.05)
        for url in pages or PAGES:
            t = time.perf_counter()
            r = client.get(url)
            cold = time.perf_counter() - t
            if r.status_code != 200:
                print(f"{url} answered {r.status_code} (measured as it is)")
            uncached = []
            for _ in range(uncached_runs):
                app.state.cache.clear()
                t = time.perf_counter()
                client.get(url)
                uncached.append(time.perf_counter() - t)
            warm = []
            for _ in range(RUNS):
                t = time.perf_counter()
                client.get(url)
                warm.append(time.perf_counter() - t)
            new = []
            if url.startswith("/dashboard"):
                client.get("/dashboard")  # the roll-ups back in the cache
                for i in range(uncached_runs):
                    t = time.perf_counter()
                    client.get(
                        f"/dashboard?range=custom&start=2026-01-{1 + i:02d}&end=2026-03-{10 + i}"
                    )
                    new.append(time.perf_counter() - t)
            rows.append(
                {
                    "page": url,
                    "cold_ms": cold * 1000,
                    "uncached_p95_ms": p95(uncached) * 1000 if uncached else float("nan"),
                    "new_p95_ms": p95(new) * 1000 if new else float("nan"),
                    "warm_median_ms": statistics.median(warm) * 1000,
                    "warm_p95_ms": p95(warm) * 1000,
                    "kb": len(r.content) / 1024,
                }
            )
    return rows


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
    import os

    t = time.perf_counter()
    ws = make_workspace()
    print(f"workspace built in {time.perf_counter() - t:.1f} s; load {os.getloadavg()[0]:.1f}")
    rows = server_times(ws)
    paint = first_paint(ws)
    print(
        "| page | cold (ms) | uncached p95 (ms) | new range p95 (ms) | warm median (ms) "
        "| warm p95 (ms) | first paint (ms) | size (KB) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| `{r['page']}` | {r['cold_ms']:,.0f} | {r['uncached_p95_ms']:,.0f} | "
            f"{r['new_p95_ms']:,.0f} | "
            f"{r['warm_median_ms']:.0f} | {r['warm_p95_ms']:.0f} | "
            f"{paint.get(r['page'], -1):.0f} | {r['kb']:.0f} |"
        )
    for key in ("uncached_p95_ms", "warm_p95_ms"):
        worst = max(rows, key=lambda r: r[key])
        print(f"worst {key}: {worst['page']} {worst[key]:.0f} ms")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
