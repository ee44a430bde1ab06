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
import time
from pathlib import Path
from typing import Any

from benchmarks._cli import no_options
from benchmarks.bench_web import first_paint, server_times

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


def main() -> None:
    no_options(__doc__)
    t = time.perf_counter()
    ws = make_workspace()
    print(f"workspace built in {time.perf_counter() - t:.1f} s")
    # the measuring is the measure pages' benchmark's, over these pages (no uncached runs)
    rows = server_times(ws, PAGES, runs=0)
    paint = first_paint(ws, PAGES)
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
