"""Import speed: 1,000,000-row conversations CSV and 1,000,000-row Meta Ads daily export.

Generates both files deterministically into benchmarks/_work/ (gitignored), then
imports each into a fresh workspace end to end (hash, sniff, parse, normalise,
upsert, archive) in a child process, RUNS times, and prints rows/s (median) and
the child's peak RSS. Target: >= 300,000 rows/s and < 2 GB on 2 cores.

    .venv/bin/python -m benchmarks.ingest_speed [--rows N] [--runs R]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

WORK = Path(__file__).parent / "_work"


def make_conversations(path: Path, rows: int) -> None:
    """Customer-care threads: a customer opens, the brand and customer alternate."""
    if path.exists():
        return
    rng = random.Random(42)
    start = datetime(2024, 1, 1)
    words = (
        "order",
        "late",
        "refund",
        "thanks",
        "help",
        "app",
        "crash",
        "login",
        "card",
        "delivery",
        "please",
        "when",
        "why",
        "still",
        "waiting",
        "great",
        "support",
    )
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(
            "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"
        )
        i = 0
        while i < rows:
            depth = min(rows - i, rng.randint(1, 6))
            t = start + timedelta(seconds=rng.randint(0, 700 * 86400))
            customer = str(100000 + rng.randint(0, 400000))
            for d in range(depth):
                tid = 1_000_000 + i + d
                brand = d % 2 == 1
                author = "AcmeHelp" if brand else customer
                t += timedelta(minutes=rng.randint(1, 600))
                stamp = t.strftime("%a %b %d %H:%M:%S +0000 %Y")
                text = " ".join(rng.choice(words) for _ in range(rng.randint(4, 18)))
                if rng.random() < 0.02:
                    text = f'"{text}, with a ""quote"""'
                else:
                    text = ("@AcmeHelp " if not brand else f"@{customer} ") + text
                response = str(tid + 1) if d < depth - 1 else ""
                parent = str(tid - 1) if d > 0 else ""
                fh.write(
                    f"{tid},{author},{'False' if brand else 'True'},{stamp},{text},"
                    f"{response},{parent}\n"
                )
            i += depth


def make_meta_ads(path: Path, rows: int) -> None:
    """A daily Meta Ads Manager export (ad level), with the export's own headers."""
    if path.exists():
        return
    rng = random.Random(7)
    header = (
        "Reporting starts,Reporting ends,Campaign name,Ad set name,Ad name,Day,"
        "Amount spent (USD),Impressions,Reach,Frequency,Results,Result indicator,"
        'Cost per result,Link clicks,Clicks (all),CTR (all),"CPM (cost per 1,000 impressions)",'
        "Purchases,Purchases conversion value\n"
    )
    n_ads = 2000
    days = rows // n_ads + 1
    start = datetime(2024, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(header)
        written = 0
        for d in range(days):
            day = (start + timedelta(days=d)).strftime("%Y-%m-%d")
            for a in range(n_ads):
                if written >= rows:
                    break
                imp = rng.randint(0, 50000)
                reach = int(imp * rng.uniform(0.5, 0.95))
                spend = round(imp * rng.uniform(0.002, 0.02), 2)
                clicks = int(imp * rng.uniform(0.001, 0.03))
                link = int(clicks * rng.uniform(0.3, 0.9))
                results = link
                cpr = f"{spend / results:.2f}" if results else ""
                freq = f"{imp / reach:.2f}" if reach else ""
                ctr = f"{100 * clicks / imp:.2f}" if imp else ""
                cpm = f"{1000 * spend / imp:.2f}" if imp else ""
                purchases = int(link * rng.uniform(0, 0.05))
                value = round(purchases * rng.uniform(10, 80), 2)
                fh.write(
                    f"{day},{day},Campaign {a // 100},Ad set {a // 10},Ad {a},{day},{spend},"
                    f"{imp},{reach},{freq},{results},actions:link_click,{cpr},{link},{clicks},"
                    f"{ctr},{cpm},{purchases},{value}\n"
                )
                written += 1


_CHILD = """
import sys, time, resource
from pathlib import Path
from socialproof.workspace import Workspace
from socialproof.workspace.settings import settings_from_dict
from socialproof.ingest.importer import import_paths
ws = Workspace.init(Path(sys.argv[1]), settings=settings_from_dict({"brand": {"handles": ["AcmeHelp"], "accounts": {"meta": "acme"}}}))
t = time.perf_counter()
[s] = import_paths(ws, [Path(sys.argv[2])], format=sys.argv[3] or None)
dt = time.perf_counter() - t
assert s.status == "imported", (s.status, s.error)
use = resource.getrusage(resource.RUSAGE_SELF)
peak = use.ru_maxrss / 1024
print()
print(f"{dt} {s.rows_read} {s.inserted} {s.rejected} {peak} {use.ru_utime + use.ru_stime}")
"""


def run_once(path: Path, fmt: str) -> tuple[float, int, int, float, float]:
    ws = WORK / "ws"
    if ws.exists():
        shutil.rmtree(ws)
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, str(ws), str(path), fmt],
        check=True,
        capture_output=True,
        text=True,
    )
    out = proc.stdout.strip().splitlines()[-1].split()
    shutil.rmtree(ws, ignore_errors=True)
    return float(out[0]), int(out[1]), int(out[3]), float(out[4]), float(out[5])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=("conversations", "meta-ads"), default=None)
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    cases = [
        ("conversations", WORK / f"conversations_{args.rows}.csv", make_conversations),
        ("meta-ads", WORK / f"meta_ads_daily_{args.rows}.csv", make_meta_ads),
    ]
    for name, path, make in cases:
        if args.only and name != args.only:
            continue
        t = time.perf_counter()
        make(path, args.rows)
        size_mb = path.stat().st_size / 1e6
        print(f"{name}: {path.name} ({size_mb:.0f} MB, made in {time.perf_counter() - t:.1f} s)")
        times, peaks = [], []
        for _ in range(args.runs):
            dt, read, rejected, peak, cpu = run_once(path, "")
            times.append(dt)
            peaks.append(peak)
            print(
                f"  run: {dt:.2f} s, {read / dt:,.0f} rows/s, {rejected} rejected, "
                f"peak RSS {peak:,.0f} MB, CPU {cpu:.1f} s (with start-up), "
                f"load average {os.getloadavg()[0]:.1f}"
            )
        med = statistics.median(times)
        print(
            f"{name}: median {med:.2f} s = {args.rows / med:,.0f} rows/s; "
            f"peak RSS max {max(peaks):,.0f} MB ({args.runs} runs, 2 cores)"
        )
    _ = resource


if __name__ == "__main__":
    main()
