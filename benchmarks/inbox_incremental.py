"""The stored inbox after a small import and its undo: incremental update vs full rebuild.

A workspace of N messages (``benchmarks.community_report.build``: x and Reddit-style
threads of 1-4 messages over 26 weeks of 2025, built once under
``benchmarks/_work/inbox_incremental``) gets its stored inbox rebuilt from every
message (the stored state forgotten first); then an import of ``--new`` messages (its own
import id: half brand replies to random old messages, half new customer threads, a
day after the newest message) and the inbox job (``refresh_inbox``), then the import
undone and the job again. Each is timed in CPU seconds of this process (DuckDB's
threads included) and wall seconds, split into the threads part and the weekly
sentiment part (which adds up every scored message again either way). After the
import the incremental result is checked against a rebuild from every message. The
inbox page's read of the stored copy (``community.inbox.stored``) is timed too.

Run: nice -n 10 .venv/bin/python -m benchmarks.inbox_incremental [--messages N] [--new N]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Any

WORK = Path(__file__).parent / "_work" / "inbox_incremental"
IMPORT_ID = "bench-inbox-incremental"


def workspace(messages: int) -> Any:
    from benchmarks.community_report import build
    from socialproof.workspace import Workspace

    root = WORK / f"m{messages}"
    done = root / ".built"
    if not done.exists():
        import shutil

        shutil.rmtree(root, ignore_errors=True)
        build(root, messages)
        done.write_text("ok\n", encoding="utf-8")
    return Workspace.open(root)


def add_import(ws: Any, n: int) -> None:
    """``n`` messages under IMPORT_ID: brand replies to random old messages, new threads."""
    import numpy as np
    import pyarrow as pa

    from socialproof.workspace import engine
    from socialproof.workspace.schema import CANONICAL

    rng = np.random.default_rng(5)
    with ws.connect(read_only=True) as con:
        old = con.execute(
            "SELECT platform, message_id, thread_id FROM messages USING SAMPLE 5000 ROWS"
        ).df()
        (newest,) = con.execute("SELECT max(created_at) FROM messages").fetchall()[0]
    replies = n // 2
    pick = old.iloc[rng.integers(0, len(old), size=replies)].reset_index(drop=True)
    ids = [f"inc{i}" for i in range(n)]
    base = np.datetime64(newest, "s") + np.timedelta64(86400, "s")
    created = base + rng.integers(0, 86400, size=n).astype("timedelta64[s]")
    platform = list(pick["platform"]) + ["x"] * (n - replies)
    table = pa.table(
        {
            "platform": platform,
            "message_id": ids,
            "thread_id": pa.array(
                [
                    t if p == "reddit" else None
                    for p, t in zip(pick["platform"], pick["thread_id"], strict=True)
                ]
                + [None] * (n - replies),
                pa.string(),
            ),
            "parent_id": pa.array(list(pick["message_id"]) + [None] * (n - replies), pa.string()),
            "author_id": ["@acme"] * replies + [f"newuser{i}" for i in range(n - replies)],
            "inbound": [False] * replies + [True] * (n - replies),
            "is_brand": [True] * replies + [False] * (n - replies),
            "created_at": pa.array(created.astype("datetime64[us]")),
            "text": ["Sorry about that, DM us."] * replies
            + ["my order never came"] * (n - replies),
            "group_id": [""] * n,
            "channel": ["reply"] * replies + ["mention"] * (n - replies),
            "import_id": [IMPORT_ID] * n,
        }
    )
    with ws.transaction() as con:
        engine.upsert(con, CANONICAL["messages"], table)


def undo_import(ws: Any) -> None:
    with ws.transaction() as con:
        con.execute("DELETE FROM messages WHERE import_id = ?", [IMPORT_ID])


def timed_refresh(ws: Any) -> dict[str, Any]:
    """The inbox job, timed per part: {'threads': (cpu, wall), 'sentiment': ..., 'how': ...}."""
    from socialproof.community.inbox import refresh_inbox

    marks: list[tuple[str, float, float]] = []

    def progress(_done: int, _total: int, message: str) -> None:
        marks.append((message, time.process_time(), time.perf_counter()))

    progress(0, 0, "start")
    refresh_inbox(ws, progress=progress)
    out: dict[str, Any] = {"how": marks[1][0] if len(marks) > 1 else "nothing"}
    for (msg, c0, w0), (_, c1, w1) in zip(marks, marks[1:], strict=False):
        if msg.startswith(("rebuilding", "updating")):
            out["threads"] = (c1 - c0, w1 - w0)
        elif msg.startswith("adding up sentiment"):
            out["sentiment"] = (c1 - c0, w1 - w0)
    out["total"] = (marks[-1][1] - marks[0][1], marks[-1][2] - marks[0][2])
    return out


def snapshot(ws: Any) -> Any:
    with ws.connect(read_only=True) as con:
        return con.execute(
            "SELECT * FROM inbox_threads ORDER BY platform, thread_key"
        ).fetchall(), con.execute("SELECT info FROM inbox_state WHERE part = 'threads'").fetchall()


def forget(ws: Any) -> None:
    with ws.transaction() as con:
        con.execute("DELETE FROM inbox_state WHERE part = 'threads'")


def page_read(ws: Any) -> tuple[float, float]:
    from socialproof.community.inbox import stored

    c, w = time.process_time(), time.perf_counter()
    stored(ws)
    return time.process_time() - c, time.perf_counter() - w


def show(label: str, r: dict[str, Any]) -> None:
    parts = ", ".join(
        f"{k} {r[k][0]:.2f} CPU s / {r[k][1]:.2f} s"
        for k in ("threads", "sentiment", "total")
        if k in r
    )
    print(f"{label:<34} [{r['how']}] {parts}; load {open('/proc/loadavg').read().split()[0]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--new", type=int, default=1_000)
    args = parser.parse_args()
    ws = workspace(args.messages)
    undo_import(ws)  # a run stopped half way
    print(f"{args.messages:,} messages, import of {args.new:,}; load {os.getloadavg()}")
    forget(ws)
    show("full rebuild", timed_refresh(ws))
    add_import(ws, args.new)
    print(f"inbox page read (pending) {page_read(ws)[0]:.3f} CPU s")
    show("after the import (incremental)", timed_refresh(ws))
    after = snapshot(ws)
    forget(ws)
    show("same, rebuilt in full", timed_refresh(ws))
    print("incremental equals the rebuild:", after == snapshot(ws))
    undo_import(ws)
    show("after the undo (incremental)", timed_refresh(ws))
    print(f"inbox page read (current) {page_read(ws)[0]:.3f} CPU s")


if __name__ == "__main__":
    main()
