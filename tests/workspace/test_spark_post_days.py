"""Business Suite exports by day, two windows: Spark's reading and reporting agree with DuckDB.

Two windows of one post (1-7 and 5-12 March 2026, 10*d views, d likes and a reach of
100 + d on day d) are imported by the normal path into one workspace and by Spark's
CSV reader into another; the posts report is then run by DuckDB on the first and by
Spark on the second. Needs pyspark and Java (``make test`` installs both).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

pytestmark = [
    pytest.mark.spark,
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]

HEAD = (
    "Post ID,Account username,Description,Publish time,Permalink,Post type,Date,Views,Reach,Likes\n"
)


@pytest.fixture(scope="module")
def local_spark() -> Iterator[None]:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        pytest.fail("pyspark is missing: run 'make test', which installs the [spark] extra")
    java_home = os.environ.get("JAVA_HOME")
    if not shutil.which("java") and not (java_home and Path(java_home, "bin", "java").exists()):
        pytest.fail("Java is missing: install openjdk-17-jre-headless (Spark 4 needs Java 17+)")
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from socialproof.workspace import spark

    spark.stop()
    yield
    spark.stop()


def _window(folder: Path, name: str, days: range, exported: int) -> Path:
    rows = [
        f"1,acme,a,03/01/2026 08:00,https://www.instagram.com/p/A/,IG image,"
        f"03/{d:02d}/2026,{10 * d},{100 + d},{d}\n"
        for d in days
    ]
    path = folder / name
    path.write_text(HEAD + "".join(rows), encoding="utf-8")
    stamp = datetime(2026, 3, exported, 12).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def _workspace(root: Path, backend: str) -> Any:
    from socialproof.workspace import Workspace
    from socialproof.workspace.settings import Engine, settings_from_dict

    ws = Workspace.init(root, settings=settings_from_dict({"owner": "T", "timezone": "UTC"}))
    return Workspace(ws.root, ws.settings.model_copy(update={"engine": Engine(backend=backend)}))


def test_two_windows_by_day_same_on_both_engines(tmp_path: Path, local_spark: None) -> None:
    from socialproof.campaigns.report import post_report
    from socialproof.ingest.importer import import_paths
    from socialproof.ingest.spark_reader import import_with_spark

    files = tmp_path / "exports"
    files.mkdir()
    windows = [_window(files, "w1.csv", range(1, 8), 8), _window(files, "w2.csv", range(5, 13), 13)]
    duck = _workspace(tmp_path / "duck", "duckdb")
    spark = _workspace(tmp_path / "spark", "spark")
    for path in windows:
        (a,) = import_paths(duck, [path])
        (b,) = import_with_spark(spark, [path])
        assert (a.status, b.status) == ("imported", "imported"), (a.error, b.error)
        assert (a.inserted, a.unchanged) == (b.inserted, b.unchanged)
    frames = [
        post_report(ws, platform="instagram", top=None, min_base=0).frame for ws in (duck, spark)
    ]
    for frame in frames:
        [row] = frame.to_dict("records")
        # days 1-12 once each: likes 1 + ... + 12 = 78, reach the largest day's (112)
        assert (row["interactions"], row["reach"]) == (78, 112)
    pd.testing.assert_frame_equal(frames[0], frames[1], check_dtype=False)
