"""10,000 job postings analysed (target: under 60 s on this 2-core machine).

    .venv/bin/python -m benchmarks.market_analyze [--n 10000] [--runs 3]

Builds N postings by recombining the sections of the sample postings shipped
in data/samples/careers/postings (titles, companies, salaries and locations
varied), imports them into a fresh workspace, then times
``market.store.analyze_workspace`` (read, extract every fact, write
``posting_facts``/``posting_items``) and ``market.aggregate.market_data``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from importlib import resources
from pathlib import Path


def _postings(n: int, seed: int = 7) -> list[dict[str, object]]:
    from socialproof.market.extract import read_posting_file

    folder = Path(str(resources.files("socialproof").joinpath("data/samples/careers/postings")))
    base = [read_posting_file(p) for p in sorted(folder.glob("*.md"))]
    sections: list[str] = []
    for b in base:
        sections += [s for s in str(b["body"]).split("\n\n") if s.strip()]
    rng = random.Random(seed)
    titles = [str(b["title"]) for b in base] + [
        "Senior Social Media Manager",
        "Head of Social",
        "TikTok Specialist",
        "Social Media Analyst",
        "Influencer Marketing Manager",
        "Copywriter",
    ]
    salaries = [
        "$55,000 - $65,000/year",
        "£30k–£35k",
        "Up to $28/hr",
        "Competitive",
        "DOE",
        "",
        "€45.000 - €52.000 p.a.",
        "$90k-$110k",
    ]
    places = [
        "New York, NY",
        "London, UK",
        "Remote",
        "Austin, TX",
        "Berlin, Germany",
        "Toronto, ON",
    ]
    out = []
    for i in range(n):
        body = "\n\n".join(rng.sample(sections, k=min(len(sections), rng.randint(5, 9))))
        out.append(
            {
                "posting_id": f"bench-{i}",
                "source": "benchmark",
                "title": rng.choice(titles),
                "company": f"Company {i % 997}",
                "location": rng.choice(places),
                "salary_text": rng.choice(salaries),
                "employment_type": "Full-time",
                "posted_at": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "url": "",
                "body": body,
            }
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    import pyarrow as pa

    from socialproof.market.aggregate import market_data
    from socialproof.market.extract import analyze_posting
    from socialproof.market.skills import gazetteer
    from socialproof.market.store import analyze_workspace
    from socialproof.workspace import Workspace, engine
    from socialproof.workspace.schema import JOB_POSTINGS

    rows = _postings(args.n)
    chars = sum(len(str(r["body"])) for r in rows)
    gaz = gazetteer()
    analyze_posting(rows[0], gaz=gaz)  # warm the caches (catalogue, regexes)
    extract_times, total_times, report_times = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace.init(Path(tmp) / "ws")
        with ws.transaction() as con:
            engine.upsert(con, JOB_POSTINGS, pa.Table.from_pylist(rows))
        for _ in range(args.runs):
            t0 = time.perf_counter()
            for r in rows:
                analyze_posting(r, gaz=gaz)
            extract_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            summary = analyze_workspace(ws)
            total_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            market_data(ws)
            report_times.append(time.perf_counter() - t0)
    med = statistics.median
    print(
        f"{args.n:,} postings, {chars / args.n:,.0f} characters each on average; "  # noqa: T201
        f"median of {args.runs} runs (2-core machine)"
    )
    print(
        f"extraction only:            {med(extract_times):6.1f} s ({args.n / med(extract_times):,.0f} postings/s)"
    )  # noqa: T201
    print(
        f"analyze_workspace (read, extract, write): {med(total_times):6.1f} s; "  # noqa: T201
        f"{summary.analysed:,} ok, {summary.empty} empty, {summary.unsupported_language} other language"
    )
    print(f"market_data (all aggregates): {med(report_times):6.1f} s")  # noqa: T201


if __name__ == "__main__":
    main()
