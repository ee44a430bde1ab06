"""``report campaigns`` on the Spark engine vs DuckDB, over 10,000,000 ad rows.

    .venv/bin/python -m benchmarks.spark_report [--rows N] [--runs 3]

Uses the workspace that :mod:`benchmarks.reports_campaigns` generates (built
here when missing: 10,000 ads, one row per ad per day). The same
:func:`socialproof.campaigns.report.campaign_report` call runs on DuckDB and on
a local PySpark session (``engine.backend = "spark"``, master ``local[*]``).
For Spark it prints, separately: starting the session (the JVM), the first
report (DuckDB writes ad_stats to Parquet, Spark reads it, compiles and
JIT-warms the query), and the median of the warm runs that follow (the Parquet
copy is reused while the workspace is unchanged). CPU seconds of the JVM are
printed next to wall time because this machine is shared. Needs pyspark and
Java 17+ (``pip install -e '.[spark]'``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import Any

CASES: dict[str, dict[str, Any]] = {
    "by platform,campaign": {"by": "platform,campaign"},
    "by campaign, month": {"by": "campaign", "period": "month"},
}


def _jvm_cpu(session: Any) -> float:
    pid = session.sparkContext._gateway.proc.pid
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _median(fn: Any, runs: int, cpu: Any = None) -> tuple[float, float, Any]:
    times, cpus, res = [], [], None
    for _ in range(runs):
        c0 = cpu() if cpu else time.process_time()
        t0 = time.perf_counter()
        res = fn()
        times.append(time.perf_counter() - t0)
        cpus.append((cpu() if cpu else time.process_time()) - c0)
    return statistics.median(times), statistics.median(cpus), res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")

    from benchmarks.reports_campaigns import build
    from socialproof.campaigns.report import campaign_report
    from socialproof.workspace import Workspace, spark
    from socialproof.workspace.settings import Engine

    duck_ws = build(args.rows)
    spark_ws = Workspace(
        duck_ws.root, duck_ws.settings.model_copy(update={"engine": Engine(backend="spark")})
    )
    print(f"{args.rows:,} ad rows; {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")

    for name, kw in CASES.items():
        campaign_report(duck_ws, **kw)  # warm-up
        wall, cpu, res = _median(lambda kw=kw: campaign_report(duck_ws, **kw), args.runs)
        print(
            f"duckdb report campaigns {name}: median {wall:.2f} s wall, {cpu:.2f} s CPU "
            f"({args.runs} runs, {len(res.frame):,} rows)"
        )

    t0 = time.perf_counter()
    session = spark.session()
    print(
        f"spark session start: {time.perf_counter() - t0:.1f} s wall, "
        f"JVM {_jvm_cpu(session):.1f} s CPU"
    )

    def jvm() -> float:
        return _jvm_cpu(session)

    first = True
    for name, kw in CASES.items():
        c0, t0 = jvm(), time.perf_counter()
        res = campaign_report(spark_ws, **kw)
        label = "first run (Parquet export + read + JIT)" if first else "first run"
        print(
            f"spark report campaigns {name}: {label} {time.perf_counter() - t0:.1f} s wall, "
            f"JVM {jvm() - c0:.1f} s CPU"
        )
        first = False
        wall, cpu, res = _median(lambda kw=kw: campaign_report(spark_ws, **kw), args.runs, jvm)
        print(
            f"spark report campaigns {name}: warm median {wall:.2f} s wall, JVM {cpu:.2f} s CPU "
            f"({args.runs} runs, {len(res.frame):,} rows; load average {os.getloadavg()[0]:.1f})"
        )
    spark.stop()


if __name__ == "__main__":
    main()
