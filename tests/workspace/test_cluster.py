"""The reports on a real Spark standalone cluster equal DuckDB's, cell by cell.

The module starts a master and two workers from the pyspark wheel on 127.0.0.1
(free ports, web UIs on loopback too), points a workspace at the master with a
shared temporary folder as its Parquet store, and compares every report with the
same workspace read by DuckDB. The fixture stops the session, the workers and the
master (their whole process groups) even when a test fails. Needs pyspark and Java
(installed by ``make test``); fails, not skips, without them. A cluster on two busy
cores is slow to start: the module takes a few minutes.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

pytestmark = [
    pytest.mark.spark,
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]

START_TIMEOUT_S = 600  # two cores shared with the rest of the suite: the JVMs start slowly


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(log: Path, text: str, count: int, procs: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        seen = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        if seen.count(text) >= count:
            return
        dead = [p for p in procs if p.poll() is not None]
        if dead:
            pytest.fail(f"a Spark daemon exited early; see {log}:\n{seen[-2000:]}")
        time.sleep(1)
    pytest.fail(f"{text!r} not seen {count} time(s) in {log} within {START_TIMEOUT_S} s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)  # the daemon and the executors it launched
        proc.wait(timeout=60)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=30)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A standalone master and two one-core workers on 127.0.0.1; yields the master URL."""
    try:
        import pyspark
    except ImportError:
        pytest.fail("pyspark is missing: run 'make test', which installs the [spark] extra")
    if not shutil.which("java") and not os.environ.get("JAVA_HOME"):
        pytest.fail("Java is missing: install openjdk-17-jre-headless (Spark 4 needs Java 17+)")
    from socialproof.workspace import spark

    spark.stop()  # a local session from another module would keep its own master
    home = Path(pyspark.__file__).parent
    folder = tmp_path_factory.mktemp("cluster")
    env = {
        # not SPARK_CONF_DIR: a local session of this process points it at a quiet log
        # config, which would hide the log lines the daemons are watched for
        **{k: v for k, v in os.environ.items() if k != "SPARK_CONF_DIR"},
        "SPARK_HOME": str(home),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_LOCAL_HOSTNAME": "localhost",
        "SPARK_NO_DAEMONIZE": "1",
        "PYSPARK_PYTHON": sys.executable,
        "SPARK_LOG_DIR": str(folder),
        "SPARK_WORKER_DIR": str(folder / "work"),
    }
    spark_class = str(home / "bin" / "spark-class")
    port = _free_port()
    url = f"spark://127.0.0.1:{port}"
    procs: list[subprocess.Popen[bytes]] = []

    def start(name: str, *args: str) -> Path:
        log = folder / f"{name}.log"
        with open(log, "wb") as out:
            procs.append(
                subprocess.Popen(  # noqa: S603 - the wheel's own launcher, fixed arguments
                    [spark_class, *args],
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,
                )
            )
        return log

    try:
        master_log = start(
            "master",
            "org.apache.spark.deploy.master.Master",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--webui-port",
            str(_free_port()),
        )
        _wait_for(master_log, "New state: ALIVE", 1, procs)
        for n in (1, 2):
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
        _wait_for(master_log, "Registering worker", 2, procs)
        yield url
    finally:
        spark.stop()
        for proc in reversed(procs):
            _stop(proc)


@pytest.fixture(scope="module")
def pair(cluster: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any]:
    """One workspace read two ways: its DuckDB file, and its shared Parquet store on the cluster."""
    from tests.workspace.test_spark import TZ, _fill

    from socialproof.workspace import Workspace
    from socialproof.workspace.settings import Engine, settings_from_dict

    root = tmp_path_factory.mktemp("cluster-ws")
    settings = settings_from_dict(
        {"owner": "Test", "timezone": TZ, "brand": {"handles": ["@acme"]}}
    )
    ws = Workspace.init(root / "ws", settings=settings)
    _fill(ws, overlaps=True)
    shared = (root / "shared-store").as_uri()
    on_cluster = Workspace(
        ws.root,
        ws.settings.model_copy(
            update={"engine": Engine(backend="spark", spark_master=cluster, storage=shared)}
        ),
    )
    return ws, on_cluster


def test_every_report_on_the_cluster_equals_duckdb(pair: tuple[Any, Any], cluster: str) -> None:
    from tests.workspace.test_spark import TZ, assert_same

    from socialproof.campaigns.report import campaign_report, post_report
    from socialproof.community.threads import threads_view
    from socialproof.metrics import registry, views
    from socialproof.workspace import engine, spark

    def run(ws: Any) -> list[pd.DataFrame]:
        out = [
            campaign_report(ws, by="platform,campaign", period="month").frame,
            campaign_report(ws, by="ad,result_type").frame,
            post_report(ws, group_by="format", period="week").frame,
        ]
        with engine.backend(ws) as con:
            for name, by, period in [("account_daily", ["platform"], "month")]:
                view = views.get_view(name)
                t = views.view(con, name, timezone=TZ)
                out.append(
                    engine.execute(
                        registry.compute(
                            t,
                            None,
                            table=name,
                            by=by,
                            period=period,
                            time_column=view.time_column,
                            timezone=TZ,
                        )
                    )
                )
            threads = threads_view(ws, con)
            out.append(
                engine.execute(registry.compute(threads, None, table="threads", by=["platform"]))
            )
        return out

    duck_ws, cluster_ws = pair
    duck = run(duck_ws)
    on_cluster = run(cluster_ws)
    for d, c in zip(duck, on_cluster, strict=True):
        assert_same(d, c)
    sc = spark.session(cluster).sparkContext
    assert sc.master == cluster
    # the driver and one executor per worker took part
    assert sc._jsc.sc().getExecutorMemoryStatus().size() == 3


def test_the_cluster_read_the_shared_store(pair: tuple[Any, Any]) -> None:
    from socialproof.workspace import parquet_store, spark

    _, cluster_ws = pair
    uri, manifest = parquet_store.current(cluster_ws)
    views = {key: view for key, (_, view) in spark._views.items()}
    assert (uri, "ad_stats") in views
    assert manifest.tables["ad_stats"].partitioned_by == ("platform", "date_start")


def test_an_unreachable_master_is_one_line(tmp_path: Path) -> None:
    from socialproof.workspace.spark import SparkFailed, _check_master

    with pytest.raises(SparkFailed, match=r"does not answer") as info:
        _check_master(f"spark://127.0.0.1:{_free_port()}")
    assert "\n" not in str(info.value)
    with pytest.raises(SparkFailed, match="not a spark://HOST:PORT"):
        _check_master("spark://127.0.0.1:notaport")


TEXTS = [
    "I love this, thank you so much for the quick help!",
    "Worst service ever. My order is late again and nobody answers.",
    "Buy cheap followers now!!! visit http://spam.example.com",
    "Buy cheap followers now!!! visit http://spam.example.com",
    "You are all idiots and I hate you",
    "Where is my parcel? Tracking says delivered.",
    "",
    None,
    "Ünïcödé, emoji 😀 and a very long text. " * 200,
    "ok",
]


def test_text_models_on_the_executors_equal_the_driver(cluster: str) -> None:
    import numpy as np

    from socialproof.community import executors, scoring, themes
    from socialproof.workspace import spark

    pdf = pd.DataFrame(
        {
            "platform": ["x"] * len(TEXTS),
            "message_id": [f"m{i}" for i in range(len(TEXTS))],
            "author_id": [f"user{i % 3}" for i in range(len(TEXTS))],
            "text": TEXTS,
            # copies over the whole collection, as score_messages counts them in the engine
            "repeats": [0, 0, 3, 3, 0, 0, 0, 0, 0, 0],
        }
    )
    models = scoring.load_models()
    assert models.sentiment is not None and models.moderation is not None, models.notes
    want = scoring.score_frame(pdf, models)
    assert {"positive", "negative"} <= set(want["sentiment"])  # the models do tell texts apart
    session = spark.session(cluster)
    frame = session.createDataFrame(pdf).repartition(3)
    got = executors.score_on_executors(frame, models, scoring.score_frame)
    got = got.toArrow().to_pandas().set_index("message_id")
    got = got.loc[pdf["message_id"]].reset_index(drop=True)
    for col in ("sentiment", "spam", "toxic", "reasons"):
        assert got[col].tolist() == want[col].tolist(), col
    np.testing.assert_allclose(got["sentiment_score"], want["sentiment_score"], rtol=1e-9)
    vectors = (
        executors.embed_on_executors(frame, ["message_id"])
        .toArrow()
        .to_pandas()
        .set_index("message_id")
    )
    on_executors = np.stack([np.asarray(v) for v in vectors.loc[pdf["message_id"], "embedding"]])
    on_driver = themes.embed(["" if t is None else t for t in TEXTS])
    assert on_executors.shape == on_driver.shape and on_driver.shape[1] > 10
    np.testing.assert_allclose(on_executors, on_driver, rtol=1e-6, atol=1e-7)


def test_community_scoring_on_the_cluster_equals_duckdb(cluster: str, tmp_path: Path) -> None:
    """``score_messages`` with the engine on the cluster scores there, with DuckDB's results."""
    from tests.workspace.test_spark import assert_same, scored_on

    want = scored_on(tmp_path / "duck", {})
    got = scored_on(tmp_path / "cluster", {"backend": "spark", "spark_master": cluster})
    assert {"positive", "negative"} <= set(want["sentiment"]) and want["spam"].any()
    assert_same(want, got)


def test_csv_exports_read_by_the_cluster_store_what_a_normal_import_stores(
    cluster: str, tmp_path: Path
) -> None:
    """``engine import``'s reader on the two workers: the same rows, rejects and summaries."""
    from tests.workspace.test_spark_import import compare_with_normal_import

    compare_with_normal_import(tmp_path, {"spark_master": cluster})


def test_themes_embedded_on_the_cluster_equal_duckdb(cluster: str, tmp_path: Path) -> None:
    from tests.workspace.test_spark import themes_on

    want, want_assigned = themes_on(tmp_path / "duck", {})
    got, got_assigned = themes_on(
        tmp_path / "cluster", {"backend": "spark", "spark_master": cluster}
    )
    assert len(want) == 3
    pd.testing.assert_frame_equal(want, got)
    pd.testing.assert_frame_equal(want_assigned, got_assigned)
