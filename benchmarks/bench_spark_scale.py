"""Ad rows and messages through the campaign and community reports on three engines.

    nice -n 5 .venv/bin/python -m benchmarks.bench_spark_scale \
        --ads 1000000,5000000,20000000 --messages 250000,1000000,5000000 --work /tmp/sp-bench

(a) DuckDB (the workspace file), (b) Spark ``local[2]`` and (c) a Spark standalone
cluster of two one-core workers started here on 127.0.0.1 from the pyspark wheel,
both reading the workspace's Parquet store (``engine.storage``). For each engine it
prints the session start (once), the first run of each step (which publishes or reads
the store) and a second, warm run. Steps: ``campaign_report`` by platform and campaign
per month over ``ad_stats``; the response-time KPIs per platform over the messages'
threads (the community report's core). Wall time and the load average are printed:
the machine is shared, so figures are pessimistic. Data come from the generators of
``benchmarks/reports_campaigns.py`` and ``benchmarks/community_report.py``.
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
def local_cluster(workers: int = 2) -> Iterator[str]:
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
                "1g",
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


def _steps() -> dict[str, Callable[[Any, Any], Any]]:
    from socialproof.campaigns.report import campaign_report
    from socialproof.community.threads import threads_view
    from socialproof.metrics import registry
    from socialproof.workspace import engine

    def campaigns(ads: Any, _: Any) -> int:
        return len(campaign_report(ads, by="platform,campaign", period="month").frame)

    def community(_: Any, msgs: Any) -> int:
        with engine.backend(msgs) as con:
            t = threads_view(msgs, con)
            return len(engine.execute(registry.compute(t, None, table="threads", by=["platform"])))

    return {"campaigns": campaigns, "community response KPIs": community}


def _on(ws: Any, **engine_kw: str) -> Any:
    from socialproof.workspace import Workspace
    from socialproof.workspace.settings import Engine

    return Workspace(ws.root, ws.settings.model_copy(update={"engine": Engine(**engine_kw)}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--ads", default="1000000", help="ad row counts, comma-separated")
    ap.add_argument("--messages", default="250000", help="message counts, one per --ads size")
    ap.add_argument("--engines", default="duckdb,local,cluster")
    ap.add_argument("--budget-min", type=float, default=25.0, help="skip larger sizes after this")
    ap.add_argument("--work", default=str(WORK), help="where data and stores are generated")
    args = ap.parse_args()
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    ad_sizes = [int(v) for v in args.ads.split(",")]
    msg_sizes = [int(v) for v in args.messages.split(",")]
    if len(msg_sizes) != len(ad_sizes):
        raise SystemExit("--messages needs one count per --ads size")
    work = Path(args.work)

    import benchmarks.reports_campaigns as ad_bench
    from benchmarks.community_report import build as build_messages
    from socialproof.workspace import Workspace, parquet_store, spark

    ad_bench.WORK = work / "reports"
    t_start = time.perf_counter()
    sizes: list[tuple[int, int, Any, Any, dict[str, str]]] = []
    for n_ads, n_msgs in zip(ad_sizes, msg_sizes, strict=True):
        took, ads = _timed(lambda n=n_ads: ad_bench.build(n))
        msg_root = work / f"messages_{n_msgs}"
        took_m, _ = _timed(lambda r=msg_root, n=n_msgs: build_messages(r, n))
        msgs = Workspace.open(msg_root)
        print(f"data {n_ads:,} ads {took:.1f} s, {n_msgs:,} messages {took_m:.1f} s", flush=True)
        stores = {
            name: (work / f"store_{name}_{n}").as_uri()
            for name, n in (("ads", n_ads), ("msgs", n_msgs))
        }
        for (name, uri), ws in zip(stores.items(), (ads, msgs), strict=True):
            if parquet_store.read_manifest(uri) is None:
                took, _ = _timed(lambda ws=ws, uri=uri: parquet_store.publish(ws, uri))
                print(
                    f"publish {name} ({n_ads if name == 'ads' else n_msgs:,}) to the Parquet "
                    f"store: {took:.1f} s load {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
        sizes.append((n_ads, n_msgs, ads, msgs, stores))
    print(f"{os.cpu_count()} cores; load {os.getloadavg()[0]:.1f}")
    steps = _steps()
    results: dict[tuple[str, str, int], float] = {}

    def over_budget() -> bool:
        return time.perf_counter() - t_start > args.budget_min * 60

    def run(label: str, n_ads: int, n_msgs: int, a: Any, m: Any) -> None:
        for step, fn in steps.items():
            n = n_ads if step == "campaigns" else n_msgs
            if over_budget():
                print(f"{label} | {step} {n:,}: not run (over the time budget)", flush=True)
                continue
            first, rows = _timed(lambda fn=fn: fn(a, m))
            warm, _ = _timed(lambda fn=fn: fn(a, m))
            results[(label, step, n)] = warm
            print(
                f"{label} | {step} {n:,}: first {first:.1f} s, warm {warm:.1f} s ({rows} rows) "
                f"load {os.getloadavg()[0]:.1f}",
                flush=True,
            )

    engines = args.engines.split(",")
    if "duckdb" in engines:
        for n_ads, n_msgs, ads, msgs, _stores in sizes:
            run("duckdb", n_ads, n_msgs, ads, msgs)
    for name, master in (("local[2]", "local[2]"), ("cluster", None)):
        if name.split("[")[0] not in engines or over_budget():
            continue
        with local_cluster() if master is None else _nothing(master) as url:
            took, _ = _timed(lambda url=url: spark.session(url))
            print(f"{name} | session start: {took:.1f} s", flush=True)
            for n_ads, n_msgs, ads, msgs, stores in sizes:
                a = _on(ads, backend="spark", spark_master=url, storage=stores["ads"])
                m = _on(msgs, backend="spark", spark_master=url, storage=stores["msgs"])
                run(name, n_ads, n_msgs, a, m)
            spark.stop()
    # how warm time grows with rows: seconds per million rows between the smallest and
    # each larger size (the slope), per engine and step
    for (label, step, n), warm in sorted(results.items()):
        base = min((k for k in results if k[:2] == (label, step)), key=lambda k: k[2])
        if base[2] < n:
            slope = (warm - results[base]) / ((n - base[2]) / 1e6)
            print(
                f"slope {label} | {step}: {slope:.2f} s per million rows "
                f"({base[2]:,} -> {n:,}: x{warm / max(results[base], 1e-9):.1f} time "
                f"for x{n / base[2]:.0f} rows)"
            )


@contextmanager
def _nothing(value: str) -> Iterator[str]:
    yield value


if __name__ == "__main__":
    main()
