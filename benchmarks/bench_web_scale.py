"""The dashboard and the community inbox on 1 M messages and 1 M ad rows; first paint on the demo.

The big workspace (built once under ``benchmarks/_work/web_scale``) holds the
1,000,000 messages ``benchmarks.community_report.build`` generates (x and
Reddit-style threads over 26 weeks of 2025) plus 1,000,000 daily ad rows over
the same weeks (10,000 ads, generated in DuckDB). The app starts as ``socialproof
serve`` starts it (``warm=True``: the stored inbox and the dashboard's daily roll-ups
are computed by background jobs, again after every import); the time those jobs take
is reported. The stored inbox is first dropped, so it is computed from scratch.
Then each page is requested in-process (FastAPI TestClient: routing, library calls,
templates; no network):

* first: the first request after the background jobs ended;
* warm: ``RUNS`` requests after that one (results kept while the database is unchanged);
* new: ``RUNS`` requests each asking what was not asked before (a dashboard custom
  range of its own, an inbox platform filter after the cache was cleared): what a new
  date range or filter costs;
* uncached: ``RUNS`` requests with the whole result cache cleared before each: what a
  visit costs in a process that has computed nothing yet (the stored roll-ups read);
* after import: ``RUNS`` times, a day of ad rows (one import of its own, a copy of the last
  day's rows a day later) is written, then the page is asked for before the background
  jobs ran (the dashboard adds up the roll-ups' days that import touched; the inbox shows
  its stored threads and says an update is pending); the rows are removed after each;
* after import + jobs: one more such import, its follow-up jobs run (the stored inbox,
  the roll-ups, the report pages), then the page's first visit;
* new process (dashboard): the first request of a process that starts the app without
  its start-up jobs (the stored roll-ups read; nothing compiled, nothing imported before);
* CLI import, then serve (dashboard): with the roll-ups stored as ``serve`` leaves them,
  ``socialproof import`` of a Meta Ads export (``--cli-rows`` rows of new days, 10,000 ads
  a day) in a process of its own, then a new process starts the app as ``serve`` does
  (start-up jobs running) and asks for ``/dashboard`` at once: that first request's wall
  time and the process's CPU seconds meanwhile (the jobs' included). What the CLI's
  roll-up step costs is measured apart (the library's import, then
  ``rollup_store.refresh_stored``, in one process), and the stored roll-up is checked
  equal to one computed from scratch. Each run works on a copy of the workspace.

Page weight is the HTML without the charts' data (the JSON of each Vega-Lite spec).
First contentful paint comes from Debian's Chromium over uvicorn on 127.0.0.1, on
the demo workspace, after one warming visit.

Targets (issue 11): dashboard and inbox < 1 s on the big workspace; pages < 300 KB
before charts' data; first paint < 1 s.
Run: nice -n 10 .venv/bin/python -m benchmarks.bench_web_scale [--messages N] [--ad-rows N]
(``--cli-only`` measures the CLI import, then serve case alone; ``--cli-rows 1000000`` a
big import)
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

WORK = Path(__file__).parent / "_work" / "web_scale"
PAGES = ("/dashboard", "/dashboard?range=90d&compare=year", "/community")
RUNS = 5
ADS = 10_000


def add_ad_rows(ws: Any, rows: int) -> None:
    """``rows`` daily ad rows (ADS ads a day from 2025-01-06), written straight to DuckDB."""
    from socialproof.workspace import engine

    with ws.transaction() as con:
        engine.query_rows(
            con,
            f"""
            INSERT INTO ad_stats (platform, account, campaign, ad_set, ad, date_start, date_stop,
                breakdown, objective, currency, spend, impressions, reach, clicks, link_clicks,
                results, result_type, purchases, purchase_value, import_id)
            SELECT
                CASE WHEN i % 5 = 0 THEN 'tiktok' ELSE 'meta' END,
                CASE WHEN i % 2 = 0 THEN 'acme' ELSE 'acme_outlet' END,
                'Campaign ' || ((i % {ADS}) // 250),
                'Ad set ' || ((i % {ADS}) // 25),
                'Ad ' || (i % {ADS}),
                DATE '2025-01-06' + CAST(i // {ADS} AS INTEGER),
                DATE '2025-01-06' + CAST(i // {ADS} AS INTEGER),
                '', 'traffic', 'USD',
                round(imp * (0.002 + 0.01 * random()), 2),
                imp,
                CAST(imp / (1.1 + random()) AS BIGINT),
                CAST(imp * 0.03 * random() AS BIGINT),
                CAST(imp * 0.015 * random() AS BIGINT),
                CAST(imp * 0.015 * random() AS DOUBLE),
                'actions:link_click',
                CAST(imp * 0.0005 * random() AS BIGINT),
                round(imp * 0.02 * random(), 2),
                'bench-web-scale'
            FROM (SELECT range AS i, CAST(200 + random() * 30000 AS BIGINT) AS imp
                  FROM range({rows}))
            """,
        )


def big_workspace(messages: int, ad_rows: int) -> Any:
    from benchmarks.community_report import build
    from socialproof.workspace import Workspace

    root = WORK / f"m{messages}_a{ad_rows}"
    done = root / ".built"
    if not done.exists():
        import shutil

        shutil.rmtree(root, ignore_errors=True)
        t = time.perf_counter()
        build(root, messages)
        ws = Workspace.open(root)
        add_ad_rows(ws, ad_rows)
        done.write_text("ok\n", encoding="utf-8")
        print(f"built {root.name} in {time.perf_counter() - t:.0f} s")
    return Workspace.open(root)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def weight_kb(html: str) -> tuple[float, float]:
    """(whole page, page without the charts' JSON data) in KB."""
    charts = sum(
        len(m.group(0).encode())
        for m in re.finditer(r'<script type="application/json"[^>]*>.*?</script>', html, re.S)
    )
    whole = len(html.encode())
    return whole / 1024, (whole - charts) / 1024


def fake_import(ws: Any, import_id: str) -> int:
    """Copy the last day's ad rows a day later under ``import_id`` (an import the background
    jobs have not seen); the rows written."""
    with ws.transaction() as con:
        con.execute(
            "INSERT INTO ad_stats SELECT * REPLACE (date_start + 1 AS date_start, "
            "date_stop + 1 AS date_stop, ? AS import_id) FROM ad_stats "
            "WHERE date_stop = (SELECT max(date_stop) FROM ad_stats)",
            [import_id],
        )
        row = con.execute("SELECT count(*) FROM ad_stats WHERE import_id = ?", [import_id])
        return int(row.fetchone()[0])


def undo_fake_import(ws: Any, import_id: str) -> None:
    with ws.transaction() as con:
        con.execute("DELETE FROM ad_stats WHERE import_id = ?", [import_id])


def after_import(
    client: Any, ws: Any, url: str, runs: int, cpu: list[float] | None = None
) -> tuple[list[float], int]:
    """Seconds of ``url`` right after each of ``runs`` fake imports (see module docs); the
    process's CPU seconds for each go to ``cpu``."""
    times, rows = [], 0
    for i in range(runs):
        rows = fake_import(ws, f"bench-after-{i}")
        t, c = time.perf_counter(), time.process_time()
        got = client.get(url)
        times.append(time.perf_counter() - t)
        if cpu is not None:
            cpu.append(time.process_time() - c)
        assert got.status_code == 200, (url, got.status_code)
        undo_fake_import(ws, f"bench-after-{i}")
    return times, rows


NEW_PROCESS = """
import sys, time
from fastapi.testclient import TestClient
from socialproof.web.app import create_app
from socialproof.workspace import Workspace
app = create_app(Workspace.open(sys.argv[1]))
with TestClient(app, base_url="http://127.0.0.1:8765") as client:
    t, c = time.perf_counter(), time.process_time()
    r = client.get(sys.argv[2])
    print(f"{(time.perf_counter() - t) * 1000:.0f} {r.status_code} {time.process_time() - c:.2f}")
"""


def new_process_ms(ws: Any, url: str) -> tuple[float, float]:
    """The first request of ``url`` in a process of its own (app started without jobs):
    (milliseconds, CPU seconds of that process meanwhile)."""
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", NEW_PROCESS, str(ws.root), url],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[1],
    ).stdout.split()
    assert out[1] == "200", out
    return float(out[0]), float(out[2])


def meta_ads_export(path: Path, first_day: date, rows: int) -> None:
    """A daily Meta Ads Manager export (the export's own headers) of ``rows`` rows, ADS ads
    a day from ``first_day``, deterministic."""
    import random

    rng = random.Random(11)
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(
            "Reporting starts,Reporting ends,Campaign name,Ad set name,Ad name,Day,"
            "Amount spent (USD),Impressions,Reach,Results,Result indicator,Link clicks,"
            "Clicks (all),Purchases,Purchases conversion value\n"
        )
        for i in range(rows):
            day = (first_day + timedelta(days=i // ADS)).isoformat()
            a = i % ADS
            imp = rng.randint(200, 30_000)
            clicks = int(imp * rng.uniform(0, 0.03))
            link = int(clicks * rng.uniform(0.3, 0.9))
            purchases = int(link * rng.uniform(0, 0.05))
            fh.write(
                f"{day},{day},Campaign {a // 250},Ad set {a // 25},Ad {a},{day},"
                f"{imp * rng.uniform(0.002, 0.012):.2f},{imp},{int(imp / rng.uniform(1.1, 2.1))},"
                f"{link},actions:link_click,{link},{clicks},{purchases},"
                f"{purchases * rng.uniform(10, 80):.2f}\n"
            )


CLI_IMPORT = "import sys; from socialproof.cli.main import main; sys.exit(main())"

IMPORT_THEN_ROLLUPS = """
import sys, time
from pathlib import Path
from socialproof.campaigns.rollup_store import refresh_stored
from socialproof.ingest.importer import import_paths, read_context
from socialproof.workspace import Workspace
ws = Workspace.open(sys.argv[1])
t, c = time.perf_counter(), time.process_time()
(s,) = import_paths(ws, [Path(sys.argv[2])], ctx=read_context(ws, account="acme", platform="meta"))
t1, c1 = time.perf_counter(), time.process_time()
written = refresh_stored(ws, sorted(s.tables))
t2, c2 = time.perf_counter(), time.process_time()
print(f"{t1 - t:.3f} {c1 - c:.3f} {t2 - t1:.3f} {c2 - c1:.3f} {','.join(written) or '-'}")
"""

SERVE_FIRST = """
import sys, time
from fastapi.testclient import TestClient
from socialproof.web.app import create_app
from socialproof.workspace import Workspace
app = create_app(Workspace.open(sys.argv[1]), warm=True)  # as socialproof serve does
with TestClient(app, base_url="http://127.0.0.1:8765") as client:
    t, c = time.perf_counter(), time.process_time()
    r = client.get(sys.argv[2])
    print(f"FIRST {(time.perf_counter() - t) * 1000:.0f} {r.status_code} {time.process_time() - c:.2f}")
"""


def _child(args: list[str]) -> tuple[str, float, float]:
    """(stdout, wall seconds, CPU seconds) of a child Python process."""
    import resource
    import subprocess
    import sys

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, cwd=Path(__file__).parents[1]
    )
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"child failed: {done.stderr.strip().splitlines()[-1:]}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return done.stdout, wall, cpu


def cli_import_then_serve(ws: Any, runs: int, rows: int) -> dict[str, Any]:
    """The CLI import, then serve case (module docs): medians over ``runs``."""
    import shutil

    from socialproof.campaigns import rollup_store
    from socialproof.campaigns.rollup import AdRollup, ad_rollup
    from socialproof.web.pages.dashboard import WANTED
    from socialproof.workspace import Workspace

    rollup_store.refresh(ws, WANTED)  # as serve's start-up job leaves them
    with ws.connect(read_only=True) as con:
        last = con.execute("SELECT max(date_stop) FROM ad_stats").fetchone()[0]
    export = WORK / f"meta_ads_{rows}_after_{last}.csv"
    if not export.exists():
        meta_ads_export(export, last + timedelta(days=1), rows)
    copy = WORK / "cli_then_serve"
    out: dict[str, list[float]] = {k: [] for k in ("cli_s", "cli_cpu", "ms", "cpu")}
    out |= {k: [] for k in ("import_s", "import_cpu", "rollups_s", "rollups_cpu")}
    for _ in range(runs):
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(ws.root, copy)
        _, wall, cpu = _child(
            ["-c", CLI_IMPORT, "--quiet", "import", str(export), "--account", "acme"]
            + ["--platform", "meta", "--workspace", str(copy)]
        )
        out["cli_s"].append(wall)
        out["cli_cpu"].append(cpu)
        stdout, _, _ = _child(["-c", SERVE_FIRST, str(copy), "/dashboard"])
        line = next(x for x in stdout.splitlines() if x.startswith("FIRST "))
        _, ms, status, first_cpu = line.split()
        assert status == "200", line
        out["ms"].append(float(ms))
        out["cpu"].append(float(first_cpu))
    # the stored roll-up after the CLI import equals one computed from scratch
    copied = Workspace.open(copy)
    stored = rollup_store.current(copied, rollup_store.ADS, WANTED["ads"])
    assert isinstance(stored, AdRollup)
    fresh = ad_rollup(copied, kpis=list(WANTED["ads"]))
    kpis = list(WANTED["ads"])
    a = stored.report(by=["platform", "account"], period="week", kpis=kpis).frame
    b = fresh.report(by=["platform", "account"], period="week", kpis=kpis).frame
    equal = a.shape == b.shape and all(
        bool(((a[c] - b[c]).abs() <= 1e-9 * b[c].abs().clip(lower=1)).fillna(True).all())
        if a[c].dtype.kind == "f"
        else a[c].astype(str).tolist() == b[c].astype(str).tolist()
        for c in b.columns
    )
    for _ in range(runs):  # the CLI's roll-up step apart
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(ws.root, copy)
        stdout, _, _ = _child(["-c", IMPORT_THEN_ROLLUPS, str(copy), str(export)])
        import_s, import_cpu, rollups_s, rollups_cpu, written = stdout.split()[-5:]
        assert written == "ads", stdout
        for key, value in zip(
            ("import_s", "import_cpu", "rollups_s", "rollups_cpu"),
            (import_s, import_cpu, rollups_s, rollups_cpu),
            strict=True,
        ):
            out[key].append(float(value))
    shutil.rmtree(copy, ignore_errors=True)
    result: dict[str, Any] = {k: statistics.median(v) for k, v in out.items()}
    result |= {"rows": rows, "equal": equal, "ms_all": out["ms"]}
    return result


def print_cli_case(r: dict[str, Any]) -> None:
    print(
        f"CLI import of {r['rows']:,} ad rows, then serve: first /dashboard "
        f"{r['ms']:,.0f} ms (runs: {', '.join(f'{m:,.0f}' for m in r['ms_all'])}), "
        f"{r['cpu']:.2f} CPU s of the serving process meanwhile (its start-up jobs included); "
        f"the CLI import {r['cli_s']:.1f} s, {r['cli_cpu']:.2f} CPU s; of which the roll-ups "
        f"brought up to date {r['rollups_s']:.2f} s, {r['rollups_cpu']:.2f} CPU s (the import "
        f"alone {r['import_s']:.2f} s, {r['import_cpu']:.2f} CPU s); stored roll-up equal to "
        f"one from scratch: {'yes' if r['equal'] else 'NO'}"
    )


def _wait_jobs(app: Any, timeout: float = 1800.0) -> None:
    deadline = time.monotonic() + timeout
    while any(j.running for j in app.state.jobs.all()) and time.monotonic() < deadline:
        time.sleep(0.1)


def _new_urls(url: str, runs: int) -> list[str]:
    """``runs`` requests of ``url``'s page that nothing asked before."""
    if url.startswith("/dashboard"):
        base = date(2025, 2, 3)
        return [
            f"/dashboard?range=custom&start={base + timedelta(days=3 * i)}"
            f"&end={base + timedelta(days=3 * i + 20 + i)}&compare=previous"
            for i in range(runs)
        ]
    return [f"{url}?platform={'x' if i % 2 else 'reddit'}" for i in range(runs)]


def server_times(ws: Any, runs: int) -> tuple[float, list[dict[str, Any]]]:
    """(seconds the start-up jobs took, per-page figures)."""
    from fastapi.testclient import TestClient

    from socialproof.web.app import create_app

    with ws.transaction() as con:  # the stored inbox is computed from scratch
        con.execute("DELETE FROM inbox_state")
    app = create_app(ws, warm=True)
    out = []
    with TestClient(app, base_url="http://127.0.0.1:8765") as client:
        t = time.perf_counter()
        _wait_jobs(app)
        startup = time.perf_counter() - t
        for url in PAGES:
            t = time.perf_counter()
            r = client.get(url)
            cold = time.perf_counter() - t
            assert r.status_code == 200, (url, r.status_code, r.text[:300])
            assert "update is pending" not in r.text and "not been computed" not in r.text
            warm = []
            for _ in range(runs):
                t = time.perf_counter()
                client.get(url)
                warm.append(time.perf_counter() - t)
            new = []
            for other in _new_urls(url, runs):
                if not url.startswith("/dashboard"):
                    app.state.cache.clear()
                t = time.perf_counter()
                got = client.get(other)
                new.append(time.perf_counter() - t)
                assert got.status_code == 200, (other, got.status_code)
            uncached, uncached_cpu = [], []
            for _ in range(runs):
                app.state.cache.clear()
                t, c = time.perf_counter(), time.process_time()
                client.get(url)
                uncached.append(time.perf_counter() - t)
                uncached_cpu.append(time.process_time() - c)
            imported: list[float] = []
            imported_cpu: list[float] = []
            imported, day_rows = after_import(client, app.state.ws, url, runs, imported_cpu)
            print(f"{url} after import: {day_rows:,} rows a day")
            # after the import's follow-up jobs (the stored inbox brought up to date, the
            # roll-ups and the report pages prepared): the first visit
            fake_import(app.state.ws, "bench-after-jobs")
            t = time.perf_counter()
            app.state.jobs.after_write()
            _wait_jobs(app)
            jobs_s = time.perf_counter() - t
            t, c = time.perf_counter(), time.process_time()
            got = client.get(url)
            prepared = (time.perf_counter() - t, time.process_time() - c)
            assert got.status_code == 200, (url, got.status_code)
            undo_fake_import(app.state.ws, "bench-after-jobs")
            whole, bare = weight_kb(r.text)
            out.append(
                {
                    "page": url,
                    "cold_ms": 1000 * cold,
                    "warm_p95_ms": 1000 * p95(warm),
                    "warm_median_ms": 1000 * statistics.median(warm),
                    "new_p95_ms": 1000 * p95(new),
                    "uncached_p95_ms": 1000 * p95(uncached),
                    "imported_p95_ms": 1000 * p95(imported) if imported else float("nan"),
                    "uncached_cpu": statistics.median(uncached_cpu),
                    "imported_cpu": statistics.median(imported_cpu) if imported else float("nan"),
                    "jobs_s": jobs_s,
                    "prepared_ms": 1000 * prepared[0],
                    "prepared_cpu": prepared[1],
                    "kb": whole,
                    "kb_bare": bare,
                }
            )
    for row in out:
        page = str(row["page"])
        if page.startswith("/dashboard"):
            row["new_process_ms"], row["new_process_cpu"] = new_process_ms(ws, page)
    return startup, out


def first_paint() -> dict[str, float]:
    """First contentful paint (ms) of the dashboard and the inbox on the demo workspace."""
    import tempfile

    from playwright.sync_api import sync_playwright

    from benchmarks.bench_web import FCP_JS
    from benchmarks.load_web import Server, demo_workspace

    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        ws = demo_workspace(Path(tmp) / "ws")
        with Server(ws) as server, sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
            )
            for url in ("/dashboard", "/community"):
                page = browser.new_page()
                page.goto(server.url + url)  # warm the server's caches
                page.close()
                page = browser.new_page()
                page.goto(server.url + url)
                out[url] = float(page.evaluate(FCP_JS))
                page.close()
            browser.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--ad-rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--no-paint", action="store_true")
    parser.add_argument("--cli-rows", type=int, default=ADS, help="rows of the CLI import")
    parser.add_argument("--cli-only", action="store_true", help="only the CLI import case")
    args = parser.parse_args()
    ws = big_workspace(args.messages, args.ad_rows)
    print(f"load average at the start: {open('/proc/loadavg').read().split()[:3]}")
    print(f"{args.messages:,} messages, {args.ad_rows:,} ad rows; load {os.getloadavg()[0]:.1f}")
    if args.cli_only:
        print_cli_case(cli_import_then_serve(ws, args.runs, args.cli_rows))
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")
        return
    startup, rows = server_times(ws, args.runs)
    print(f"start-up jobs (stored inbox, dashboard roll-ups): {startup:,.1f} s")
    print(
        "| page | first (ms) | warm median (ms) | warm p95 (ms) | new range/filter p95 (ms) "
        "| uncached p95 (ms) | after import p95 (ms) | after import + jobs (ms) "
        "| new process (ms) | KB | KB without chart data |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| `{r['page']}` | {r['cold_ms']:,.0f} | {r['warm_median_ms']:,.0f} | "
            f"{r['warm_p95_ms']:,.0f} | {r['new_p95_ms']:,.0f} | {r['uncached_p95_ms']:,.0f} | "
            f"{r['imported_p95_ms']:,.0f} | {r['prepared_ms']:,.0f} | "
            f"{r.get('new_process_ms', float('nan')):,.0f} | "
            f"{r['kb']:.0f} | {r['kb_bare']:.0f} |"
        )
    print("CPU seconds of the process (median; DuckDB's threads included):")
    for r in rows:
        print(
            f"  {r['page']}: uncached {r['uncached_cpu']:.2f}, after import "
            f"{r['imported_cpu']:.2f}, after import + jobs {r['prepared_cpu']:.2f} "
            f"(the jobs took {r['jobs_s']:.0f} s), "
            f"new process {r.get('new_process_cpu', float('nan')):.2f}"
        )
    print(f"load average after the server times: {os.getloadavg()[0]:.1f}")
    print_cli_case(cli_import_then_serve(ws, args.runs, args.cli_rows))
    print(f"load average after the CLI import case: {os.getloadavg()[0]:.1f}")
    if not args.no_paint:
        for url, ms in first_paint().items():
            print(f"first contentful paint {url} (demo workspace): {ms:.0f} ms")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
