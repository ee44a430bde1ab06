"""Server time, size and first paint of the community, content, portfolio and career pages.

A workspace built from the bundled samples (1,477 conversation rows, the Meta Ads export,
6 planned posts, 3 case studies, a profile and 5 postings), member messages scored and
themes found first. Each page is requested once cold (first request after start, caches
empty) and then 20 times warm, in-process (FastAPI TestClient: routing, library calls and
template rendering, no network). First contentful paint comes from Chromium over a real
uvicorn on 127.0.0.1 (Debian's chromium, as the browser tests use).

Targets (issue 11): every page's server time < 300 ms (p95) and first paint < 1 s on the
demo workspace; pages under 300 KB before charts' data.
Run: .venv/bin/python -m benchmarks.web_workbench_areas
"""

from __future__ import annotations

import shutil
import socket
import statistics
import threading
import time
from pathlib import Path
from typing import Any

WORK = Path(__file__).parent / "_work" / "web_areas"
PAGES = [
    "/community",
    "/community/moderation",
    "/community/themes",
    "/content",
    "/content/edit/2026-12-10-savings-collab.md",
    "/content/calendar?view=week&start=2026-12-07",
    "/content/calendar?view=month&start=2026-12-01",
    "/content/approvals",
    "/content/exports",
    "/portfolio",
    "/portfolio/edit/spring-launch-conversions.md",
    "/portfolio/built",
    "/career",
    "/career/posting",
    "/career/roles",
    "/career/roles/social-media-manager",
    "/career/market",
]
WARM = 20
FCP_JS = """() => new Promise((resolve) => {
  new PerformanceObserver((list) => {
    const e = list.getEntriesByName('first-contentful-paint')[0];
    if (e) { resolve(e.startTime); }
  }).observe({type: 'paint', buffered: true});
  setTimeout(() => resolve(-1), 5000);
})"""


def make_workspace() -> Any:
    from socialproof.community.scoring import discover_themes, score_messages
    from socialproof.demo import SAMPLES
    from socialproof.ingest.importer import import_paths
    from socialproof.workspace import Workspace
    from socialproof.workspace.settings import settings_from_dict

    shutil.rmtree(WORK, ignore_errors=True)
    settings = settings_from_dict(
        {
            "owner": "Sam Rivera (sample)",
            "timezone": "Europe/Berlin",
            "currency": "USD",
            "brand": {"handles": ["AcmeHomeHelp"], "accounts": {"meta": "acme.home"}},
        }
    )
    ws = Workspace.init(WORK, settings=settings)
    for folder in ("content", "case-studies"):
        for src in sorted((SAMPLES / folder).glob("*.md")):
            shutil.copy2(src, ws.root / folder / src.name)
    shutil.copy2(SAMPLES / "careers" / "profile.yaml", ws.root / "profile.yaml")
    import_paths(ws, [SAMPLES / "conversations.csv", SAMPLES / "meta_ads_daily.csv"])
    import_paths(ws, sorted((SAMPLES / "careers" / "postings").glob("*.md")), format="job-postings")
    score_messages(ws)
    discover_themes(ws, k=6)
    return ws


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def server_times(ws: Any) -> list[dict[str, Any]]:
    from fastapi.testclient import TestClient

    from socialproof.web.app import create_app

    rows = []
    with TestClient(create_app(ws), base_url="http://127.0.0.1:8765") as client:
        for url in PAGES:
            t = time.perf_counter()
            r = client.get(url)
            cold = time.perf_counter() - t
            assert r.status_code == 200, (url, r.status_code)
            warm = []
            for _ in range(WARM):
                t = time.perf_counter()
                client.get(url)
                warm.append(time.perf_counter() - t)
            rows.append(
                {
                    "page": url,
                    "cold_ms": cold * 1000,
                    "warm_median_ms": statistics.median(warm) * 1000,
                    "warm_p95_ms": p95(warm) * 1000,
                    "kb": len(r.content) / 1024,
                }
            )
    return rows


def first_paint(ws: Any) -> dict[str, float]:
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
            for url in PAGES:
                page = browser.new_page()
                page.goto(f"http://127.0.0.1:{port}{url}")  # warm the server's caches
                page.close()
                page = browser.new_page()
                page.goto(f"http://127.0.0.1:{port}{url}")
                fcp = page.evaluate(FCP_JS)
                out[url] = float(fcp)
                page.close()
            browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=20)
    return out


def main() -> None:
    t = time.perf_counter()
    ws = make_workspace()
    print(f"workspace built in {time.perf_counter() - t:.1f} s")
    rows = server_times(ws)
    paint = first_paint(ws)
    print("| page | cold (ms) | warm median (ms) | warm p95 (ms) | first paint (ms) | size (KB) |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| `{r['page']}` | {r['cold_ms']:.0f} | {r['warm_median_ms']:.0f} | "
            f"{r['warm_p95_ms']:.0f} | {paint.get(r['page'], -1):.0f} | {r['kb']:.0f} |"
        )
    worst = max(rows, key=lambda r: r["warm_p95_ms"])
    print(f"worst warm p95: {worst['page']} {worst['warm_p95_ms']:.0f} ms")


if __name__ == "__main__":
    main()
