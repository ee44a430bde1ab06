"""`socialproof community report` on 1,000,000 messages: time end to end and peak memory.

Builds (once, deterministically) a workspace under benchmarks/_work/community_1m with
1,000,000 messages: customer-care threads on x (reply links) and Reddit-style group
threads (thread ids, 40 groups), over 26 weeks, from template texts. Then runs the
real command in a child process:

* cold: message_scores emptied first, so every member message is scored
  (sentiment + moderation) and themes are clustered;
* warm: scores already stored (the usual case: scoring is incremental);
* --no-text: response times and groups only.

Prints the median wall time of RUNS runs and the child's peak RSS for each.
Target: under 120 s and 4 GB end to end on this machine (2 cores); with --distinct
(every member text different, the worst case for scoring) the cold run under 60 s.
Cold scoring uses one process per core (scoring.score_frames); --workers N fixes the
number (SOCIALPROOF_SCORING_WORKERS), e.g. 1 to compare with one process.

    .venv/bin/python -m benchmarks.community_report [--messages N] [--runs R] [--distinct]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

WORK = Path(__file__).parent / "_work"

TEXTS = [
    "my order {n} still hasn't arrived after {d} days",
    "charged twice for order {n}, please refund",
    "the app crashes every time I open the basket",
    "can't log in since the update",
    "love the new armchair, thank you!",
    "please bring back the oak shelf in white",
    "staff at the store were rude to me",
    "where is my parcel? tracking says delivered",
    "discount code didn't work at checkout",
    "great service today, thanks team",
    "buy followers cheap visit http://spam.example now",
    "you are useless idiots",
]
REPLY = "Sorry about that, please DM us your order number {n} and we'll help. ^AB"


DISTINCT_WORDS = [f"w{i:02d}" for i in range(97)]


def build(root: Path, n_messages: int, distinct: bool = False) -> None:
    import numpy as np
    import pyarrow as pa

    from socialproof.workspace import Workspace, engine
    from socialproof.workspace.schema import CANONICAL
    from socialproof.workspace.settings import settings_from_dict

    if (root / "socialproof.toml").exists():
        return
    ws = Workspace.init(root, settings=settings_from_dict({"brand": {"handles": ["@acme"]}}))
    rng = np.random.default_rng(7)
    start = np.datetime64("2025-01-06T00:00:00", "s")
    span = 26 * 7 * 86400
    batch = 250_000
    made = 0
    mid = 0
    with ws.transaction() as con:
        while made < n_messages:
            size = min(batch, n_messages - made)
            # threads of 1-4 messages: customer, brand, customer, brand
            lengths = rng.choice([1, 2, 3, 4], size=size // 2 + 1, p=[0.15, 0.45, 0.2, 0.2])
            lengths = lengths[np.cumsum(lengths) <= size]
            n = int(lengths.sum())
            pos = np.arange(n) - np.repeat(np.cumsum(lengths) - lengths, lengths)
            ids = np.arange(mid, mid + n)
            t0 = start + rng.integers(0, span, size=len(lengths)).astype("timedelta64[s]")
            gaps = rng.lognormal(np.log(1800), 1.2, size=n).astype("int64")
            gaps[pos == 0] = 0
            offs = np.zeros(n, dtype="int64")
            csum = np.cumsum(gaps)
            base = np.repeat(csum[np.cumsum(lengths) - lengths], lengths)
            offs = csum - base
            created = np.repeat(t0, lengths) + offs.astype("timedelta64[s]")
            brand = pos % 2 == 1
            reddit = np.repeat(rng.random(len(lengths)) < 0.3, lengths)
            users = rng.integers(0, 200_000, size=len(lengths))
            author = np.where(
                brand, "@acme", np.char.add("u", np.repeat(users, lengths).astype(str))
            )
            text_idx = rng.integers(0, len(TEXTS), size=n)
            nums = rng.integers(10000, 99999, size=n)
            texts = [
                REPLY.format(n=nums[i]) if brand[i] else TEXTS[text_idx[i]].format(n=nums[i], d=3)
                for i in range(n)
            ]
            if distinct:  # every member text different: the worst case for scoring
                texts = [
                    t if brand[i] else f"{t} {DISTINCT_WORDS[ids[i] % 97]} ref {ids[i]}"
                    for i, t in enumerate(texts)
                ]
            parent = np.where(pos == 0, -1, ids - 1)
            root_ids = ids - pos
            group = np.where(
                reddit, np.char.add("r/g", (np.repeat(users, lengths) % 40).astype(str)), ""
            )
            id_str = ids.astype(str)
            table = pa.table(
                {
                    "platform": np.where(reddit, "reddit", "x"),
                    "message_id": id_str,
                    "thread_id": np.where(reddit, root_ids.astype(str), None),
                    "parent_id": pa.array(
                        np.where((parent >= 0) & ~reddit, parent.astype(str), None)
                    ),
                    "author_id": author,
                    "inbound": ~brand,
                    "is_brand": brand,
                    "created_at": pa.array(created.astype("datetime64[us]")),
                    "text": texts,
                    "group_id": group,
                    "channel": np.where(pos == 0, "mention", "reply"),
                }
            )
            engine.upsert(con, CANONICAL["messages"], table)
            made += n
            mid += n
    print(f"built {root} with {made:,} messages")


def run(root: Path, *args: str) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, children's peak RSS in MB so far) of one CLI run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    cmd = [sys.executable, "-m", "socialproof.cli.main", "-q", "--workspace", str(root),
           "community", "report", "--html", str(root / "report.html"), *args]  # fmt: skip
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss / 1024


def clear_scores(root: Path) -> None:
    from socialproof.workspace import Workspace, engine

    ws = Workspace.open(root)
    with ws.transaction() as con:
        engine.query_rows(con, "DELETE FROM message_scores")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip", default="", help="comma list of modes to skip: cold,warm,notext")
    ap.add_argument("--distinct", action="store_true", help="every member text distinct")
    ap.add_argument("--workers", type=int, help="scoring processes (default: one per core)")
    args = ap.parse_args()
    if args.workers is not None:
        os.environ["SOCIALPROOF_SCORING_WORKERS"] = str(args.workers)
    root = WORK / f"community_{args.messages}{'_distinct' if args.distinct else ''}"
    build(root, args.messages, args.distinct)
    skip = set(filter(None, args.skip.split(",")))
    results: dict[str, list[float]] = {}
    cpus: dict[str, list[float]] = {}
    peak: dict[str, float] = {}
    for mode in ("notext", "cold", "warm"):
        if mode in skip:
            continue
        for _ in range(args.runs):
            if mode == "cold":
                clear_scores(root)
            extra = ("--no-text",) if mode == "notext" else ()
            wall, cpu, rss = run(root, *extra)
            results.setdefault(mode, []).append(wall)
            cpus.setdefault(mode, []).append(cpu)
            peak[mode] = max(peak.get(mode, 0.0), rss)
            print(f"{mode}: {wall:.1f} s wall, {cpu:.1f} s CPU", flush=True)
    with open("/proc/loadavg") as fh:
        load = fh.read().split()[0]
    print(
        f"\ncommunity report on {args.messages:,} messages (2 cores, load {load}), "
        f"median of {args.runs}:"
    )
    for mode, walls in results.items():
        print(
            f"  {mode:7s} {statistics.median(walls):7.1f} s wall  "
            f"{statistics.median(cpus[mode]):7.1f} s CPU   peak RSS <= {peak[mode]:,.0f} MB"
        )


if __name__ == "__main__":
    main()
