"""Ad rows and messages through the campaign and community reports on three engines.

    nice -n 5 .venv/bin/python -m benchmarks.bench_spark_scale \
        --ads 1000000,5000000,20000000 --messages 250000,1000000,5000000 --work /tmp/sp-bench

(a) DuckDB (the workspace file), (b) Spark ``local[2]`` and (c) a Spark standalone
cluster of two one-core workers started here on 127.0.0.1 from the pyspark wheel,
both reading the workspace's Parquet store (``engine.storage``). For each engine it
prints the session start (once), the first run of each step (which publishes or reads
the store) and a second, warm run. Steps: ``campaign_report`` by platform and campaign
per month over ``ad_stats``; ``audit`` (the library's platform audit, every account,
all facets) over a posts table; the response-time KPIs per platform over the messages'
threads (the community report's core). ``--steps`` picks steps, ``--first-only`` skips
the warm run (for the largest sizes on Spark). Wall time and the load average are printed:
the machine is shared, so figures are pessimistic. Data come from the generators of
``benchmarks/reports_campaigns.py``, ``benchmarks/audit_posts.py`` and
``benchmarks/community_report.py``, reused when they exist under ``--work``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

WORK = Path(__file__).parent / "_work" / "spark_scale"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def local_cluster(workers: int = 2, memory: str = "1g") -> Iterator[str]:
    """A standalone master and ``workers`` one-core workers on 127.0.0.1 (stopped on exit)."""
    import pyspark

    home = Path(pyspark.__file__).parent
    folder = Path(tempfile.mkdtemp(prefix="sp-cluster-"))
    env = {
        # not SPARK_CONF_DIR: a local session of this process points it at a quiet log
        # config, which would hide the log lines the daemons are watched for
        **{k: v for k, v in os.environ.items() if k != "SPARK_CONF_DIR"},
        "SPARK_HOME": str(home),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_NO_DAEMONIZE": "1",
        "PYSPARK_PYTHON": sys.executable,
    }
    port = _free_port()
    url = f"spark://127.0.0.1:{port}"
    procs: list[subprocess.Popen[bytes]] = []

    def start(name: str, *args: str) -> None:
        with open(folder / f"{name}.log", "wb") as out:
            procs.append(
                subprocess.Popen(  # noqa: S603
                    [str(home / "bin" / "spark-class"), *args],
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )

    def wait(text: str, count: int) -> None:
        for _ in range(900):
            if (folder / "master.log").read_text(errors="replace").count(text) >= count:
                return
            time.sleep(1)
        raise RuntimeError(f"cluster did not start; see {folder}")

    try:
        start(
            "master",
            "org.apache.spark.deploy.master.Master",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--webui-port",
            str(_free_port()),
        )
        wait("New state: ALIVE", 1)
        for n in range(workers):
            start(
                f"worker{n}",
                "org.apache.spark.deploy.worker.Worker",
                "--host",
                "127.0.0.1",
                "--webui-port",
                str(_free_port()),
                "--cores",
                "1",
                "--memory",
                memory,
                "--work-dir",
                str(folder / f"work{n}"),
                url,
            )
        wait("Registering worker", workers)
        yield url
    finally:
        from socialproof.workspace import spark

        spark.stop()
        for p in reversed(procs):
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
                try:
                    p.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    os.killpg(p.pid, signal.SIGKILL)
        shutil.rmtree(folder, ignore_errors=True)


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def _steps() -> dict[str, tuple[str, Callable[[Any], Any]]]:
    """Each step: the data kind it reads (ads, posts, msgs) and what it runs."""
    from socialproof.campaigns.audit import audit
    from socialproof.campaigns.report import campaign_report
    from socialproof.community.threads import threads_view
    from socialproof.metrics import registry
    from socialproof.workspace import engine

    def campaigns(ads: Any) -> int:
        return len(campaign_report(ads, by="platform,campaign", period="month").frame)

    def audit_step(posts: Any) -> int:
        return len(audit(posts).accounts)

    def community(msgs: Any) -> int:
        with engine.backend(msgs) as con:
            t = threads_view(msgs, con)
            return len(engine.execute(registry.compute(t, None, table="threads", by=["platform"])))

    return {
        "campaigns": ("ads", campaigns),
        "audit": ("posts", audit_step),
        "community response KPIs": ("msgs", community),
    }


def _on(ws: Any, **engine_kw: str) -> Any:
    from socialproof.workspace import Workspace
    from socialproof.workspace.settings import Engine

    return Workspace(ws.root, ws.settings.model_copy(update={"engine": Engine(**engine_kw)}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--ads", default="1000000", help="ad row counts, comma-separated")
    ap.add_argument("--messages", default="250000", help="message counts, one per --ads size")
    ap.add_argument("--posts", default="", help="post counts for the audit (default: --ads)")
    ap.add_argument("--engines", default="duckdb,local,cluster")
    ap.add_argument("--steps", default="campaigns,audit,community")
    ap.add_argument("--first-only", action="store_true", help="no warm (second) run")
    ap.add_argument("--budget-min", type=float, default=25.0, help="skip larger sizes after this")
    ap.add_argument("--work", default=str(WORK), help="where data and stores are generated")
    ap.add_argument(
        "--worker-memory",
        default="1g",
        help="memory each local cluster worker offers (give executors as much with "
        "SOCIALPROOF_SPARK_CONF='spark.executor.memory=...')",
    )
    args = ap.parse_args()
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    ad_sizes = [int(v) for v in args.ads.split(",")]
    msg_sizes = [int(v) for v in args.messages.split(",")]
    post_sizes = [int(v) for v in args.posts.split(",")] if args.posts else ad_sizes
    if not len(msg_sizes) == len(post_sizes) == len(ad_sizes):
        raise SystemExit("--messages and --posts need one count per --ads size")
    work = Path(args.work)
    wanted = args.steps.split(",")
    steps = {
        name: step for name, step in _steps().items() if name.split()[0] in wanted or name in wanted
    }
    kinds = {kind for kind, _ in steps.values()}

    import benchmarks.audit_posts as post_bench
    import benchmarks.reports_campaigns as ad_bench
    from benchmarks.community_report import build as build_messages
    from socialproof.workspace import Workspace, parquet_store, spark

    ad_bench.WORK = work / "reports"
    post_bench.WORK = work / "posts"
    builders: dict[str, Callable[[int], Any]] = {
        "ads": ad_bench.build,
        "posts": post_bench.build,
        "msgs": lambda n: (
            build_messages(work / f"messages_{n}", n),
            Workspace.open(work / f"messages_{n}"),
        )[1],
    }
    t_start = time.perf_counter()
    sizes: list[dict[str, tuple[int, Any, str]]] = []
    for counts in zip(ad_sizes, post_sizes, msg_sizes, strict=True):
        one: dict[str, tuple[int, Any, str]] = {}
        for kind, n in zip(("ads", "posts", "msgs"), counts, strict=True):
            if kind not in kinds:
                continue
            took, ws = _timed(lambda kind=kind, n=n: builders[kind](n))
            uri = (work / f"store_{kind}_{n}").as_uri()
            print(f"data {n:,} {kind} {took:.1f} s", flush=True)
            if parquet_store.read_manifest(uri) is None:
                took, _ = _timed(lambda ws=ws, uri=uri: parquet_store.publish(ws, uri))
                print(
                    f"publish {kind} ({n:,}) to the Parquet store: {took:.1f} s "
                    f"load {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
            one[kind] = (n, ws, uri)
        sizes.append(one)
    print(f"{os.cpu_count()} cores; load {os.getloadavg()[0]:.1f}")
    results: dict[tuple[str, str, int], float] = {}

    def over_budget() -> bool:
        return time.perf_counter() - t_start > args.budget_min * 60

    def run(label: str, data: dict[str, tuple[int, Any]]) -> None:
        for step, (kind, fn) in steps.items():
            n, ws = data[kind]
            if over_budget():
                print(f"{label} | {step} {n:,}: not run (over the time budget)", flush=True)
                continue
            c0 = _cpu()
            first, rows = _timed(lambda fn=fn, ws=ws: fn(ws))
            c1 = _cpu()
            warm = None
            if not args.first_only:
                warm, _ = _timed(lambda fn=fn, ws=ws: fn(ws))
            c2 = _cpu()
            results[(label, step, n)] = first if warm is None else warm
            warm_text = "" if warm is None else f", warm {warm:.1f} s ({c2 - c1:.1f} s CPU)"
            print(
                f"{label} | {step} {n:,}: first {first:.1f} s ({c1 - c0:.1f} s CPU)"
                f"{warm_text} ({rows} rows) load {os.getloadavg()[0]:.1f}",
                flush=True,
            )

    engines = args.engines.split(",")
    if "duckdb" in engines:
        for one in sizes:
            run("duckdb", {kind: (n, ws) for kind, (n, ws, _) in one.items()})
    for name, master in (("local[2]", "local[2]"), ("cluster", None)):
        if name.split("[")[0] not in engines or over_budget():
            continue
        with (
            local_cluster(memory=args.worker_memory) if master is None else _nothing(master) as url
        ):
            took, _ = _timed(lambda url=url: spark.session(url))
            print(f"{name} | session start: {took:.1f} s", flush=True)
            for one in sizes:
                run(
                    name,
                    {
                        kind: (
                            n,
                            _on(ws, backend="spark", spark_master=url, storage=uri),
                        )
                        for kind, (n, ws, uri) in one.items()
                    },
                )
            spark.stop()
    # how time grows with rows: seconds per million rows between the smallest and each
    # larger size (the slope), per engine and step (warm runs, or first with --first-only)
    for (label, step, n), warm in sorted(results.items()):
        base = min((k for k in results if k[:2] == (label, step)), key=lambda k: k[2])
        if base[2] < n:
            slope = (warm - results[base]) / ((n - base[2]) / 1e6)
            print(
                f"slope {label} | {step}: {slope:.2f} s per million rows "
                f"({base[2]:,} -> {n:,}: x{warm / max(results[base], 1e-9):.1f} time "
                f"for x{n / base[2]:.0f} rows)"
            )


def _cpu() -> float:
    """CPU seconds of this process and every live process under it (the driver's JVM,
    the cluster's daemons and executors), plus finished children: on a shared machine
    these are steadier than wall time."""
    tick = os.sysconf("SC_CLK_TCK")
    parent: dict[int, int] = {}
    used: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        pid = int(stat.parent.name)
        parent[pid] = int(fields[1])
        used[pid] = (int(fields[11]) + int(fields[12])) / tick
    me = os.getpid()
    total = 0.0
    for pid in used:
        p = pid
        while p > 1 and p != me:
            p = parent.get(p, 0)
        if p == me and pid != me:
            total += used[pid]
    t = os.times()
    return total + t.user + t.system + t.children_user + t.children_system


@contextmanager
def _nothing(value: str) -> Iterator[str]:
    yield value


if __name__ == "__main__":
    main()
