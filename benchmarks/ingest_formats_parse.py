"""Value parsing and platform-format reading speed (no ../shared data needed).

    .venv/bin/python -m benchmarks.ingest_formats_parse [--rows N] [--runs K]

Parses 1,000,000-value string columns (plain numbers, locale numbers with
thousands separators and missing markers, counts, dates, timestamps) and reads
a 1,000,000-row Meta Ads daily export held in memory (the bundled sample,
repeated) into canonical rows. Prints median wall and CPU seconds of K runs;
on a shared machine CPU time is the steadier figure.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute

from socialproof.ingest.parse import parse_dates, parse_integers, parse_numbers, parse_timestamps

if TYPE_CHECKING:
    from collections.abc import Callable

SAMPLE = Path(__file__).resolve().parent.parent / "src/socialproof/data/samples/meta_ads_daily.csv"


def _measure(fn: Callable[[], Any], runs: int) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus)


def _columns(n: int) -> dict[str, pa.Array]:
    rng = np.random.default_rng(7)
    values = rng.lognormal(5, 2, n)
    plain = pa.array([f"{v:.2f}" for v in values])
    locale = [f"{v:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".") for v in values]
    for k in range(0, n, 97):
        locale[k] = "undefined"
    counts = pa.array([str(int(v)) for v in values])
    days = np.datetime64("2024-01-01") + rng.integers(0, 800, n).astype("timedelta64[D]")
    dates = pa.array([str(d) for d in days])
    minutes = rng.integers(0, 60 * 24 * 800, n)
    stamps = [
        (np.datetime64("2024-01-01T00:00") + np.timedelta64(int(m), "m")).astype(object)
        for m in minutes
    ]
    us = pa.array([s.strftime("%m/%d/%Y %H:%M") for s in stamps])
    return {
        "plain": plain,
        "locale": pa.array(locale),
        "counts": counts,
        "dates": dates,
        "timestamps": us,
    }


def _meta_ads_source(n: int) -> Any:
    import pyarrow.csv as pacsv

    from socialproof.ingest.base import Frame, Source

    table = pacsv.read_csv(SAMPLE, convert_options=pacsv.ConvertOptions(strings_can_be_null=False))
    table = table.cast(pa.schema([pa.field(c, pa.string()) for c in table.column_names]))
    reps = max(1, n // table.num_rows + 1)
    # each copy gets its own ad names, so natural keys stay unique as in a real export
    copies = []
    for k in range(reps):
        ad = table["Ad name"]
        named = pa.compute.not_equal(ad, "")
        names = pa.compute.if_else(named, pa.compute.binary_join_element_wise(ad, f" #{k}", ""), ad)
        copies.append(table.set_column(table.column_names.index("Ad name"), "Ad name", names))
    big = pa.concat_tables(copies).slice(0, n).combine_chunks()
    frame = Frame(header=big.column_names, data=big, line_numbers=list(range(2, n + 2)))
    return Source(path=SAMPLE, display_name="bench.csv", frames=[frame])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    n, runs = args.rows, args.runs
    cols = _columns(n)
    cases: list[tuple[str, Callable[[], Any]]] = [
        ("numbers, plain '1234.56'", lambda: parse_numbers(cols["plain"])),
        ("numbers, '1.234,56' + 'undefined'", lambda: parse_numbers(cols["locale"])),
        ("counts '1234' (int64)", lambda: parse_integers(cols["counts"])),
        ("dates '2024-03-08' (800 distinct)", lambda: parse_dates(cols["dates"])),
        (
            "timestamps '03/08/2024 14:05', tz Europe/Madrid",
            lambda: parse_timestamps(cols["timestamps"], timezone="Europe/Madrid"),
        ),
    ]
    print(f"{n:,} values per column, median of {runs} runs (2 shared cores)")
    for name, fn in cases:
        wall, cpu = _measure(fn, runs)
        print(f"  {name:<48} wall {wall:6.3f} s   cpu {cpu:6.3f} s")
    from socialproof.ingest.base import ReadContext
    from socialproof.ingest.meta_ads import MetaAdsFormat

    source = _meta_ads_source(n)
    fmt = MetaAdsFormat()
    wall, cpu = _measure(lambda: fmt.read(source, ReadContext()), runs)
    print(
        f"  {'Meta Ads read, 27 columns -> ad_stats':<48} wall {wall:6.3f} s   cpu {cpu:6.3f} s"
        f"   ({n / wall:,.0f} rows/s wall, {n / cpu:,.0f} rows/s cpu)"
    )


if __name__ == "__main__":
    main()
