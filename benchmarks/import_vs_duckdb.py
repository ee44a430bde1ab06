"""End-to-end ``socialproof import`` against DuckDB's own ``read_csv``, side by side.

For each file (a 500,000-row customer-care CSV and a 1,000,000-row Meta Ads daily
export, made deterministically by ``benchmarks/ingest_speed.py`` into
``benchmarks/_work/``), each run times, in fresh processes and in turn:

* ``socialproof import FILE`` into a new workspace (the CLI as a user runs it: start-up,
  read, detect, hash, parse, normalise, write, archive);
* ``python -c "import duckdb; CREATE TABLE t AS SELECT * FROM read_csv(FILE)"`` into a
  new database file (DuckDB reading and casting the same file, start-up included).

Children run with Python's byte-code cache (as a user's installed copy: the package is
compiled once before timing; until the fifth round every child recompiled the
project's modules, about 0.3-0.4 s of start-up). It prints both wall times, the ratio DuckDB / socialproof (target >= 0.5: socialproof
at least half DuckDB's speed) and each child's peak RSS (target < 2 GB). It also
times ``socialproof --help`` against a bare ``python -c "import typer"`` (target
<= 2x).

    .venv/bin/python -m benchmarks.import_vs_duckdb [--runs R] [--conversations N] [--ads N]
        [--python-path | --sql-formats NAMES]

``--sql-formats meta-ads`` lets the SQL path take only the named formats (the
customer-care file then takes the Python path: the fourth round's state).
``--python-path`` switches the SQL path off (``SOCIALPROOF_SQL_PATH=0``): the importer
then reads every file the Python way, as before the SQL path, for a before/after.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.ingest_speed import WORK, make_conversations, make_meta_ads

BIN = Path(sys.executable).parent


def _child(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MB) and CPU seconds (user + system) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter and entry point
        args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}): {err[-500:]}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def _import(path: Path) -> tuple[float, float, float]:
    ws = WORK / "ws-e2e"
    shutil.rmtree(ws, ignore_errors=True)
    subprocess.run(  # noqa: S603
        [str(BIN / "socialproof"), "init", str(ws)], check=True, capture_output=True
    )
    try:
        return _child(
            [
                str(BIN / "socialproof"),
                "--quiet",
                "import",
                str(path),
                "--account",
                "acme",
                "--workspace",
                str(ws),
            ]
        )
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def _duckdb(path: Path) -> tuple[float, float, float]:
    db = WORK / "duck.duckdb"
    db.unlink(missing_ok=True)
    code = (
        "import duckdb, sys; con = duckdb.connect(sys.argv[1]); "
        'con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [sys.argv[2]]); '
        "con.close()"
    )
    try:
        return _child([sys.executable, "-c", code, str(db), str(path)])
    finally:
        db.unlink(missing_ok=True)


def _startup(runs: int) -> tuple[float, float]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    helps, typers = [], []
    _child([str(BIN / "socialproof"), "--help"], env)  # warm the byte-code cache
    for _ in range(runs):
        typers.append(_child([sys.executable, "-c", "import typer"], env)[0])
        helps.append(_child([str(BIN / "socialproof"), "--help"], env)[0])
    return statistics.median(helps), statistics.median(typers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--conversations", type=int, default=500_000)
    parser.add_argument("--ads", type=int, default=1_000_000)
    parser.add_argument(
        "--python-path",
        action="store_true",
        help="import without the SQL path (ingest/sqlpath.py), for a before/after",
    )
    parser.add_argument(
        "--sql-formats",
        default=None,
        help="let the SQL path take only these formats (comma-separated, e.g. meta-ads)",
    )
    args = parser.parse_args()
    if args.python_path:  # the import children inherit it
        os.environ["SOCIALPROOF_SQL_PATH"] = "0"
    elif args.sql_formats:
        os.environ["SOCIALPROOF_SQL_PATH"] = args.sql_formats
    # as on a user's machine (pip compiles on install; a first run writes the cache):
    # children keep their byte-code, and the package is compiled once before timing
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-m", "compileall", "-q", str(Path(__file__).parents[1] / "src")],
        check=False,
        capture_output=True,
    )
    WORK.mkdir(exist_ok=True)
    cases = [
        (
            "customer care",
            WORK / f"conversations_{args.conversations}.csv",
            make_conversations,
            args.conversations,
        ),
        ("meta ads daily", WORK / f"meta_ads_daily_{args.ads}.csv", make_meta_ads, args.ads),
    ]
    for name, path, make, rows in cases:
        make(path, rows)
        ours, theirs, peaks, our_cpu, their_cpu = [], [], [], [], []
        for _ in range(args.runs):
            d_wall, _, d_cpu = _duckdb(path)
            s_wall, s_peak, s_cpu = _import(path)
            theirs.append(d_wall)
            ours.append(s_wall)
            peaks.append(s_peak)
            our_cpu.append(s_cpu)
            their_cpu.append(d_cpu)
            print(
                f"  {name}: import {s_wall:.2f} s (CPU {s_cpu:.2f} s, peak {s_peak:,.0f} MB), "
                f"duckdb {d_wall:.2f} s (CPU {d_cpu:.2f} s), ratio {d_wall / s_wall:.2f}, "
                f"load {os.getloadavg()[0]:.1f}"
            )
        s, d = statistics.median(ours), statistics.median(theirs)
        sc, dc = statistics.median(our_cpu), statistics.median(their_cpu)
        print(
            f"{name} ({rows:,} rows, {path.stat().st_size / 1e6:.0f} MB): import median {s:.2f} s, "
            f"duckdb read_csv median {d:.2f} s, ratio {d / s:.2f} (target >= 0.5); CPU "
            f"{sc:.2f} s vs {dc:.2f} s, ratio {dc / sc:.2f}; "
            f"peak RSS max {max(peaks):,.0f} MB (target < 2048)"
        )
    helps, typers = _startup(max(args.runs, 5))
    print(
        f"socialproof --help median {helps * 1000:.0f} ms, python -c 'import typer' "
        f"{typers * 1000:.0f} ms, ratio {helps / typers:.2f} (target <= 2)"
    )


if __name__ == "__main__":
    main()
