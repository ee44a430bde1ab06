"""Ad rows and messages through the campaign and community reports on three engines.

    nice -n 10 .venv/bin/python -m benchmarks.bench_spark_scale --ads 1000000 --messages 250000

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
    ap.add_argument("--ads", type=int, default=1_000_000)
    ap.add_argument("--messages", type=int, default=250_000)
    ap.add_argument("--engines", default="duckdb,local,cluster")
    args = ap.parse_args()
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")

    from benchmarks.community_report import build as build_messages
    from benchmarks.reports_campaigns import build as build_ads
    from socialproof.workspace import Workspace, parquet_store, spark

    ads = build_ads(args.ads)
    msg_root = WORK / f"messages_{args.messages}"
    build_messages(msg_root, args.messages)
    msgs = Workspace.open(msg_root)
    stores = {name: (WORK / f"store_{name}").as_uri() for name in ("ads", "msgs")}
    for (name, uri), ws in zip(stores.items(), (ads, msgs), strict=True):
        took, _ = _timed(lambda ws=ws, uri=uri: parquet_store.publish(ws, uri))
        print(f"publish {name} to the Parquet store: {took:.1f} s")
    print(
        f"{args.ads:,} ad rows, {args.messages:,} messages; {os.cpu_count()} cores; "
        f"load {os.getloadavg()[0]:.1f}"
    )
    steps = _steps()

    def run(label: str, a: Any, m: Any) -> None:
        for step, fn in steps.items():
            first, rows = _timed(lambda fn=fn: fn(a, m))
            warm, _ = _timed(lambda fn=fn: fn(a, m))
            print(
                f"{label} | {step}: first {first:.1f} s, warm {warm:.1f} s ({rows} rows) "
                f"load {os.getloadavg()[0]:.1f}",
                flush=True,
            )

    engines = args.engines.split(",")
    if "duckdb" in engines:
        run("duckdb", ads, msgs)
    for name, master in (("local[2]", "local[2]"), ("cluster", None)):
        if name.split("[")[0] not in engines:
            continue
        with local_cluster() if master is None else _nothing(master) as url:
            a = _on(ads, backend="spark", spark_master=url, storage=stores["ads"])
            m = _on(msgs, backend="spark", spark_master=url, storage=stores["msgs"])
            took, _ = _timed(lambda url=url: spark.session(url))
            print(f"{name} | session start: {took:.1f} s", flush=True)
            run(name, a, m)
            spark.stop()


@contextmanager
def _nothing(value: str) -> Iterator[str]:
    yield value


if __name__ == "__main__":
    main()
