"""The workbench under load: 50 people browse, lint, approve and reschedule while an import runs.

A demo workspace (``socialproof.demo.prepare``) is served by uvicorn on 127.0.0.1.
One simulated person uploads a Meta Ads export through the import page (a
background job) and follows its progress (each page is opened once before, unmeasured, as the
first visitor of the day would); meanwhile ``USERS`` people, each with
their own ``httpx.AsyncClient`` (loopback only), run ``ACTIONS`` actions each:
open a page, lint a draft, approve a post (each approval under its own name),
move a post on the calendar, read the approvals page. Everything is bounded: a
fixed number of requests and a wall-clock limit after which no new action
starts, and the server stops by itself at the end.

Checked after the run: no 5xx answer; every approval the app confirmed is in
the approvals log exactly once, no approval it refused is there, and the hash
chain verifies; every read of the approvals page saw a log that verifies (no
false tamper alarm). Reported: p50/p95 per action (target p95 < 1 s).

Run: nice -n 10 .venv/bin/python -m benchmarks.load_web [--users 50] [--actions 12]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import shutil
import socket
import statistics
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

WORK = Path(__file__).parent / "_work" / "load_web"
USERS = 50
ACTIONS = 12
WALL_S = 300.0
PAGES = ("/", "/dashboard", "/content", "/content/calendar", "/posts", "/community", "/import")
ROLES = ("reviewer", "editor", "manager", "lead")
DRAFT = """---
title: Load test draft {n}
platform: instagram
publish_at: 2026-12-20 10:00 Europe/Berlin
author: Sam
status: draft
---
Our new winter blend is here!!! Click here to learn more #coffee #Coffee
"""
VERIFIED = "The approvals log verifies"
TAMPER = "outside socialproof"


@dataclass
class LoadResult:
    """What the run saw: latencies per action, answers, and the approvals it confirmed."""

    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    server_errors: list[str] = field(default_factory=list)
    approved: list[str] = field(default_factory=list)  # approver names the app confirmed
    refused: list[str] = field(default_factory=list)  # approver names the app refused
    reads: int = 0  # approvals pages read
    false_alarms: list[str] = field(default_factory=list)
    import_state: str = ""
    requests: int = 0
    wall_s: float = 0.0

    def summary(self) -> list[dict[str, Any]]:
        rows = []
        for action, values in sorted(self.times.items()):
            rows.append(
                {
                    "action": action,
                    "n": len(values),
                    "p50_ms": 1000 * statistics.median(values),
                    "p95_ms": 1000 * p95(values),
                    "max_ms": 1000 * max(values),
                }
            )
        return rows


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def _flash(response: Any) -> tuple[str, str]:
    """The (kind, text) message a redirect leaves for the next page."""
    for header in response.headers.get_list("set-cookie"):
        if header.startswith("sp_flash="):
            raw = header.split(";", 1)[0].split("=", 1)[1].strip('"')
            try:
                kind, text = json.loads(unquote(raw))
            except (ValueError, TypeError):
                return "", ""
            return str(kind), str(text)
    return "", ""


class Runner:
    """Drives the simulated people against one running workbench."""

    def __init__(self, base_url: str, csrf: str, posts: list[str], *, wall_s: float) -> None:
        self.base_url = base_url
        self.csrf = csrf
        self.posts = posts
        self.result = LoadResult()
        self.deadline = time.monotonic() + wall_s

    def _client(self) -> Any:
        import httpx

        return httpx.AsyncClient(
            base_url=self.base_url,
            headers={"X-CSRF-Token": self.csrf},
            timeout=httpx.Timeout(120.0),
            follow_redirects=False,
            trust_env=False,  # never a proxy: loopback only
        )

    async def _timed(self, action: str, call: Any) -> Any:
        t = time.perf_counter()
        response = await call
        self.result.times[action].append(time.perf_counter() - t)
        self.result.requests += 1
        self.result.statuses[response.status_code] += 1
        if response.status_code >= 500:
            self.result.server_errors.append(f"{action}: {response.status_code}")
        return response

    async def user(self, u: int, actions: int) -> None:
        async with self._client() as client:
            for i in range(actions):
                if time.monotonic() > self.deadline:
                    return
                await self.step(client, u, i)

    async def step(self, client: Any, u: int, i: int) -> None:
        kind = (u + i) % 5
        post = self.posts[(u * 7 + i) % len(self.posts)]
        if kind == 0:
            page = PAGES[(u + 3 * i) % len(PAGES)]
            await self._timed("browse", client.get(page))
        elif kind == 1:
            text = DRAFT.format(n=u * 100 + i)
            await self._timed(
                "lint", client.post(f"/content/edit/{post}/lint", data={"text": text})
            )
        elif kind == 2:
            who = f"Load Tester {u}-{i}"
            r = await self._timed(
                "approve",
                client.post(
                    "/content/approvals/decide",
                    data={"name": post, "who": who, "role": ROLES[u % len(ROLES)]},
                ),
            )
            flash_kind, text = _flash(r)
            if r.status_code == 303 and flash_kind == "success" and "log entry" in text:
                self.result.approved.append(who)
            else:
                self.result.refused.append(who)
        elif kind == 3:
            day = date(2026, 12, 7) + timedelta(days=(u + i) % 14)
            await self._timed(
                "reschedule",
                client.post(
                    "/content/calendar/move",
                    data={"name": post, "day": day.isoformat(), "view": "week"},
                ),
            )
        else:
            r = await self._timed("read approvals", client.get("/content/approvals"))
            self.result.reads += 1
            if r.status_code == 200 and (VERIFIED not in r.text or TAMPER in r.text):
                self.result.false_alarms.append(_message(r.text))

    async def importer(self, upload: Path) -> None:
        async with self._client() as client:
            with upload.open("rb") as fh:
                r = await self._timed(
                    "import upload",
                    client.post("/import", files={"files": (upload.name, fh, "text/csv")}, data={}),
                )
            if r.status_code != 303:
                self.result.import_state = f"upload answered {r.status_code}"
                return
            where = r.headers["location"]
            while time.monotonic() < self.deadline:
                page = await self._timed("import progress", client.get(where))
                state = re.search(r'class="job job-(\w+)"', page.text)
                if state and state.group(1) in ("done", "failed"):
                    rows = re.search(r"([\d,]+) rows read", page.text)
                    self.result.import_state = state.group(1) + (
                        f", {rows.group(1)} rows read" if rows else ""
                    )
                    return
                await asyncio.sleep(0.5)
            self.result.import_state = "still running at the time limit"

    async def warm(self) -> None:
        """Open each page once, as the first person of the day would (not measured)."""
        async with self._client() as client:
            for page in (*PAGES, "/content/approvals"):
                await client.get(page)

    async def run(self, users: int, actions: int, upload: Path | None) -> LoadResult:
        await self.warm()
        t = time.perf_counter()
        tasks = [self.user(u, actions) for u in range(users)]
        if upload is not None:
            tasks.insert(0, self.importer(upload))
        await asyncio.gather(*tasks)
        self.result.wall_s = time.perf_counter() - t
        return self.result


def _message(text: str) -> str:
    found = re.search(r'class="(?:flash|message)[^"]*"[^>]*>(.*?)<', text, re.S)
    return " ".join(found.group(1).split())[:200] if found else text[:200]


def check(result: LoadResult, ws: Any) -> list[str]:
    """What went wrong under load (an empty list when nothing did)."""
    from collections import Counter

    from socialproof.content.approvals import read_log, verify_log

    problems = [f"server error: {e}" for e in result.server_errors[:5]]
    try:
        verify_log(ws)
    except Exception as exc:  # noqa: BLE001 - report whatever breaks the chain
        problems.append(f"the approvals log does not verify: {exc}")
        return problems
    names = Counter(
        str(e.get("approver"))
        for e in read_log(ws)
        if str(e.get("approver", "")).startswith("Load Tester")
    )
    for who in result.approved:
        if names[who] != 1:
            problems.append(f"approval by {who} is in the log {names[who]} times")
    for who in result.refused:
        if names[who]:
            problems.append(f"refused approval by {who} is in the log")
    extra = set(names) - set(result.approved) - set(result.refused)
    if extra:
        problems.append(f"approvals nobody asked for: {sorted(extra)[:3]}")
    problems.extend(f"false tamper alarm: {a}" for a in result.false_alarms[:3])
    return problems


class Server:
    """uvicorn over ``create_app(ws, warm=True)`` (as ``socialproof serve`` starts it) on
    127.0.0.1 in a thread; ready once its start-up jobs ended; stopped by ``stop()``."""

    def __init__(self, ws: Any) -> None:
        import uvicorn

        from socialproof.web.app import create_app

        self.app = create_app(ws, warm=True)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        self.url = f"http://127.0.0.1:{port}"
        self.server = uvicorn.Server(
            uvicorn.Config(self.app, host="127.0.0.1", port=port, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the workbench did not start")
            time.sleep(0.05)
        deadline = time.monotonic() + 300
        while any(j.running for j in self.app.state.jobs.all()) and time.monotonic() < deadline:
            time.sleep(0.05)  # the stored inbox and the dashboard's roll-ups, as after a start
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)

    @property
    def csrf(self) -> str:
        return str(self.app.state.guard.csrf_token)


def demo_workspace(root: Path) -> Any:
    from socialproof.demo import prepare
    from socialproof.workspace import Workspace

    return Workspace.open(prepare(root))


def load(ws: Any, *, users: int, actions: int, upload: Path | None, wall_s: float) -> LoadResult:
    """Serve ``ws`` and run the simulated people against it; the server stops at the end."""
    posts = sorted(p.name for p in (ws.root / "content").glob("*.md"))
    with Server(ws) as server:
        runner = Runner(server.url, server.csrf, posts, wall_s=wall_s)
        # Its own thread, so a caller that already runs an event loop in this thread (a test
        # session with Playwright's sync API open, a notebook) can still run the load.
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, runner.run(users, actions, upload)).result()


def main() -> None:
    from benchmarks.ingest_speed import make_meta_ads

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=USERS)
    parser.add_argument("--actions", type=int, default=ACTIONS)
    parser.add_argument("--ad-rows", type=int, default=100_000)
    parser.add_argument("--wall", type=float, default=WALL_S)
    args = parser.parse_args()
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    ws = demo_workspace(WORK / "ws")
    upload = WORK / "meta_ads_load.csv"
    make_meta_ads(upload, args.ad_rows)
    result = load(ws, users=args.users, actions=args.actions, upload=upload, wall_s=args.wall)
    problems = check(result, ws)
    print(
        f"{args.users} users x {args.actions} actions, import of {args.ad_rows:,} ad rows "
        f"({result.import_state}); {result.requests} requests in {result.wall_s:.1f} s; "
        f"answers {dict(sorted(result.statuses.items()))}; "
        f"{len(result.approved)} approvals confirmed, {len(result.refused)} refused; "
        f"{result.reads} approvals-page reads"
    )
    print("| action | requests | p50 ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|---:|")
    for row in result.summary():
        print(
            f"| {row['action']} | {row['n']} | {row['p50_ms']:.0f} | {row['p95_ms']:.0f} "
            f"| {row['max_ms']:.0f} |"
        )
    print("problems:", problems or "none")


if __name__ == "__main__":
    main()
