"""CSV exports read by Spark's CSV reader store the same canonical rows as a normal import.

A folder of Meta Ads daily exports and customer-care conversation exports (quoted
commas and quotes, a byte order mark, a text with a line break, a row with a bad
date, a row longer than its header) is imported twice: by ``import_paths`` (the
normal path) into one workspace and by ``spark_reader.import_with_spark`` on a local
Spark session into another. The tables, the rejects and the summaries must agree; a
second Spark import adds nothing; a file Spark cannot read is a one-line error. The
same comparison on the two-worker cluster is in ``test_cluster.py``. Needs pyspark
and Java (``make test`` installs both).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

pytestmark = [
    pytest.mark.spark,
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]

DATA = Path(__file__).parents[1] / "data"
TABLES = {
    "ad_stats": ["platform", "account", "campaign", "ad_set", "ad", "date_start", "breakdown"],
    "messages": ["platform", "message_id"],
}


def write_exports(folder: Path) -> Path:
    """A folder of exports of two known formats, with the awkward cases in them."""
    folder.mkdir(parents=True)
    shutil.copy(DATA / "ingest" / "meta_ads" / "daily_usd.csv", folder / "ads_march.csv")
    shutil.copy(DATA / "ingest" / "core" / "care.csv", folder / "care_march.csv")
    header = (
        "Campaign name,Ad set name,Ad name,Day,Amount spent (USD),Impressions,Reach,"
        "Clicks (all),Link clicks,Results,Result indicator\n"
    )
    lines = [header]
    for day in range(1, 29):
        for k, ad in enumerate(("Reel, short", 'Static "A"', "Story")):
            lines.append(
                f'Winter Push,Broad,"{ad.replace(chr(34), chr(34) * 2)}",2026-02-{day:02d},'
                f'"{day * 10 + k:,}.25",{1000 * day + k},{800 * day},{30 + k},{12 + k},{k},'
                "actions:link_click\n"
            )
    lines.insert(20, "Winter Push,Broad,Story,2026-02-31,10.00,100,90,3,1,0,actions:link_click\n")
    lines.insert(40, "Winter Push,Broad,Story,2026-02-11,10.00,100,90,3,1,0,x,extra,cells\n")
    (folder / "sub").mkdir()
    (folder / "sub" / "ads_february.csv").write_text("".join(lines), encoding="utf-8")
    care = ["tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id"]
    for i in range(100, 160):
        text = f"@AcmeHelp order {i}, still waiting" if i % 3 else f'"Help, please:\nitem {i}"'
        day = date(2026, 2, 1 + i % 27)  # the weekday the export writes is the date's
        when = f"{day:%a %b %d} 10:{i % 60:02d}:00 +0000 2026"
        if i == 130:
            when = "yesterday-ish"
        care.append(f"{i},cust_{i % 7},True,{when},{text},,")
    (folder / "sub" / "care_february.csv").write_text("\n".join(care) + "\n", encoding="utf-8")
    return folder


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


def new_workspace(root: Path, engine_kw: dict[str, str] | None = None) -> Any:
    from socialproof.workspace import Workspace
    from socialproof.workspace.settings import Engine, settings_from_dict

    settings = settings_from_dict(
        {
            "owner": "Test",
            "timezone": "UTC",
            "brand": {"handles": ["@AcmeHelp"], "accounts": {"meta": "Acme Ads"}},
        }
    )
    ws = Workspace.init(root, settings=settings)
    if engine_kw:
        ws = Workspace(ws.root, ws.settings.model_copy(update={"engine": Engine(**engine_kw)}))
    return ws


def tables_of(ws: Any) -> dict[str, pd.DataFrame]:
    out = {}
    with ws.connect(read_only=True) as con:
        for name, key in TABLES.items():
            df = con.execute(f"SELECT * FROM {name}").df()
            out[name] = df.sort_values(key).reset_index(drop=True)
    return out


def rejects_of(summaries: list[Any]) -> dict[str, list[tuple[str, str, str]]]:
    from socialproof.ingest.importer import read_rejects

    return {
        Path(s.path).name: [
            (r["line"], r["reason"], r["raw"]) for r in read_rejects(s.rejects_file)
        ]
        for s in summaries
        if s.rejects_file is not None
    }


def compare_with_normal_import(tmp_path: Path, engine_kw: dict[str, str]) -> None:
    """The whole comparison, on the Spark session ``engine_kw`` names."""
    from socialproof.ingest.importer import import_paths
    from socialproof.ingest.spark_reader import import_with_spark

    exports = write_exports(tmp_path / "exports")
    normal_ws = new_workspace(tmp_path / "normal")
    normal = import_paths(normal_ws, [exports], ctx=None)
    spark_ws = new_workspace(tmp_path / "spark", engine_kw)
    read = import_with_spark(spark_ws, [exports])

    assert [s.status for s in normal] == ["imported"] * 4, [s.error for s in normal]
    key = [(Path(s.path).name, s.format, s.rows_read, s.inserted, s.rejected) for s in normal]
    assert [(Path(s.path).name, s.format, s.rows_read, s.inserted, s.rejected) for s in read] == key
    assert {s.format for s in read} == {"meta-ads", "conversations"}
    want, got = tables_of(normal_ws), tables_of(spark_ws)
    assert len(want["ad_stats"]) == 3 + 3 * 28 and len(want["messages"]) >= 60
    for name in TABLES:
        pd.testing.assert_frame_equal(want[name], got[name], check_dtype=True)
    # a text with a line break inside its quotes stays one message, line break included
    assert any("\n" in t for t in got["messages"]["text"])
    # the bad date and the long row are rejected the same way, with the same reasons
    want_rejects, got_rejects = rejects_of(normal), rejects_of(read)
    assert sum(len(v) for v in want_rejects.values()) >= 3
    assert want_rejects["ads_february.csv"] == got_rejects["ads_february.csv"]  # lines too
    for name, rows in want_rejects.items():  # records, not lines, after a line break
        assert [r[1:] for r in rows] == [r[1:] for r in got_rejects[name]], name

    again = import_with_spark(spark_ws, [exports])
    assert [s.status for s in again] == ["already imported"] * 4
    for name, frame in tables_of(spark_ws).items():
        pd.testing.assert_frame_equal(got[name], frame)


def test_a_folder_read_by_spark_stores_what_a_normal_import_stores(
    tmp_path: Path, local_spark: None
) -> None:
    compare_with_normal_import(tmp_path, {"spark_master": "local[2]"})


def test_what_spark_cannot_read_is_one_line_and_the_rest_imports(
    tmp_path: Path, local_spark: None
) -> None:
    from socialproof.ingest.spark_reader import import_with_spark

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(DATA / "ingest" / "core" / "care.csv", folder / "care.csv")
    (folder / "latin1.csv").write_bytes("tweet_id,text\n1,caf\xe9 cr\xe8me\n".encode("latin-1"))
    ws = new_workspace(tmp_path / "ws", {"spark_master": "local[2]"})
    got = {Path(s.path).name: s for s in import_with_spark(ws, [folder])}
    assert got["care.csv"].status == "imported"
    bad = got["latin1.csv"]
    assert bad.status == "failed" and bad.error and "UTF-8" in bad.error
    assert "\n" not in bad.error
    from socialproof.ingest.importer import list_imports

    assert [r["format"] for r in list_imports(ws)] == ["conversations"]  # only the good file


def test_engine_import_of_a_missing_folder_is_one_line(tmp_path: Path, cli: Any) -> None:
    ws = new_workspace(tmp_path / "ws")
    got = cli("engine", "import", str(tmp_path / "nowhere"), cwd=ws.root)
    assert got.exit_code != 0
    lines = [ln for ln in got.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), got
    assert "nowhere" in lines[0] and "does not exist" in lines[0]
