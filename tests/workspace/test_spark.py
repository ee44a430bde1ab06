"""The Spark engine gives the same answers as DuckDB on the same workspace.

One real local SparkSession for the module. Each test reports the same data
through both engines and compares the frames cell by cell (floats within a
relative 1e-9). The data straddle month and ISO-week boundaries and the
workspace timezone is Europe/Berlin, so bucketing and time zone conversion are
exercised, not only sums. These tests need pyspark and Java: ``make test``
installs both; here they fail (not skip) when either is missing.
"""

from __future__ import annotations

import io
import math
import os
import random
import shutil
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

pytestmark = [
    pytest.mark.spark,
    # PySpark leaves the local sockets it collects results through to the garbage collector.
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]

TZ = "Europe/Berlin"


@pytest.fixture(scope="module")
def spark_session() -> Iterator[Any]:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        pytest.fail("pyspark is missing: run 'make test', which installs the [spark] extra")
    java_home = os.environ.get("JAVA_HOME")
    if not shutil.which("java") and not (java_home and Path(java_home, "bin", "java").exists()):
        pytest.fail("Java is missing: install openjdk-17-jre-headless (Spark 4 needs Java 17+)")
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from socialproof.workspace import spark

    yield spark.session()
    import gc
    import warnings

    with warnings.catch_warnings():  # collect PySpark's leftover sockets here, not in later tests
        warnings.simplefilter("ignore")
        gc.collect()


def _ads(rng: random.Random) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    plan = [
        ("meta", "Launch", "Broad", ["A1", "A2"], "purchase"),
        ("meta", "Launch", "Lookalike", ["A3"], "purchase"),
        ("meta", "Traffic", "Interests", ["T1", "T2"], "link_click"),
        ("linkedin", "Leads", "Decision makers", ["L1"], "lead"),
    ]
    day0 = date(2025, 12, 20)
    for platform, campaign, ad_set, ads, result_type in plan:
        for ad in ads:
            for i in range(60):  # 2025-12-20 .. 2026-02-17: two month and many week edges
                day = day0 + timedelta(days=i)
                imps = 0 if i % 17 == 0 else rng.randint(200, 5000)
                clicks = rng.randint(0, max(1, imps // 50))
                spend = None if i % 23 == 5 else round(imps * rng.uniform(0.004, 0.02), 2)
                results = float(rng.randint(0, max(1, clicks // 3)))
                rows.append(
                    {
                        "platform": platform,
                        "account": "acct-1",
                        "campaign": campaign,
                        "ad_set": ad_set,
                        "ad": ad,
                        "date_start": day,
                        "date_stop": day,
                        "breakdown": "",
                        "objective": "sales" if result_type == "purchase" else "traffic",
                        "currency": "USD",
                        "spend": spend,
                        "impressions": imps,
                        "reach": int(imps * rng.uniform(0.6, 0.95)),
                        "clicks": clicks + rng.randint(0, 5),
                        "link_clicks": clicks,
                        "results": results,
                        "result_type": result_type,
                        "purchases": results if result_type == "purchase" else None,
                        "purchase_value": round(results * rng.uniform(20, 80), 2)
                        if result_type == "purchase"
                        else None,
                        "leads": results if result_type == "lead" else None,
                        "video_views": rng.randint(0, imps // 4 + 1),
                        "video_completions": rng.randint(0, imps // 10 + 1),
                    }
                )
    return rows


def _overlapping_ads() -> list[dict[str, Any]]:
    """A reporting-range row and breakdown rows that the daily rows already count."""
    base = {
        "platform": "meta",
        "account": "acct-1",
        "campaign": "Launch",
        "ad_set": "Broad",
        "ad": "A1",
        "objective": "sales",
        "currency": "USD",
        "result_type": "purchase",
    }
    return [
        {
            **base,
            "date_start": date(2026, 1, 1),
            "date_stop": date(2026, 1, 31),
            "breakdown": "",
            "spend": 999.0,
            "impressions": 99999,
            "reach": 50000,
            "link_clicks": 999,
            "results": 99.0,
        },
        {
            **base,
            "date_start": date(2026, 1, 5),
            "date_stop": date(2026, 1, 5),
            "breakdown": "age=25-34",
            "spend": 12.0,
            "impressions": 1200,
            "reach": 1000,
            "link_clicks": 12,
            "results": 1.0,
        },
    ]


def _posts(rng: random.Random) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    start = datetime(2025, 12, 28, 22, 30)  # 23:30 in Berlin: the local day is the next one
    for i in range(80):
        at = start + timedelta(hours=17 * i, minutes=rng.randint(0, 59))
        platform = ("instagram", "facebook", "linkedin")[i % 3]
        reach = rng.randint(300, 20000)
        rows.append(
            {
                "platform": platform,
                "post_id": f"p{i}",
                "account": "brand",
                "published_at": at,
                "format": ("image", "video", "carousel", "text")[i % 4],
                "title": None if i % 5 == 0 else f"Post number {i}",
                "text": f"Text of post {i}",
                "permalink": f"https://example.com/p/{i}",
                "campaign": "Launch" if i % 2 else "",
                "is_paid": i % 7 == 0,
                "followers": None if i % 3 == 0 else 10000 + 10 * i,
                "impressions": None if i % 11 == 0 else int(reach * 1.3),
                "reach": reach,
                "reactions": rng.randint(0, reach // 20),
                "comments": None if i % 6 == 0 else rng.randint(0, 40),
                "shares": rng.randint(0, 25),
                "saves": None if platform != "instagram" else rng.randint(0, 30),
                "clicks": None if i % 4 else rng.randint(0, 60),
                "link_clicks": None if i % 9 else rng.randint(0, 20),
                "video_views": rng.randint(0, reach) if i % 4 == 1 else None,
                "video_completions": rng.randint(0, reach // 5) if i % 4 == 1 else None,
            }
        )
    return rows


def _daily() -> list[dict[str, Any]]:
    rows = []
    for i in range(70):
        day = date(2025, 12, 25) + timedelta(days=i)
        for metric, value in (
            ("followers", 9000.0 + 7 * i),
            ("follower_change", float(i % 9 - 2)),
            ("reach", 1000.0 + 13 * (i % 10)),
            ("impressions", 1500.0 + 17 * (i % 7)),
        ):
            rows.append(
                {
                    "platform": "instagram",
                    "account": "brand",
                    "date": day,
                    "metric": metric,
                    "value": value,
                }
            )
        # a second Instagram account, follower counts only (every other day): grouped by
        # platform, the follower KPIs add up each account's own growth
        if i % 2 == 0:
            rows.append(
                {
                    "platform": "instagram",
                    "account": "studio",
                    "date": day,
                    "metric": "followers",
                    "value": 400.0 + 3 * i,
                }
            )
    return rows


def _messages(rng: random.Random) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    start = datetime(2026, 1, 3, 7, 0)
    for n in range(40):
        opened = start + timedelta(hours=9 * n, minutes=rng.randint(0, 50))
        root = f"m{n}"
        rows.append(
            {
                "platform": "x",
                "message_id": root,
                "thread_id": root,
                "parent_id": None,
                "author_id": f"user{n % 7}",
                "inbound": True,
                "created_at": opened,
                "text": f"Help with order {n}?",
                "group_id": "",
                "channel": "mention",
            }
        )
        if n % 4 == 3:
            continue  # unanswered
        reply_at = opened + timedelta(minutes=rng.randint(3, 60 * 30))
        rows.append(
            {
                "platform": "x",
                "message_id": f"r{n}",
                "thread_id": root,
                "parent_id": root,
                "author_id": "acme",
                "inbound": False,
                "created_at": reply_at,
                "text": "We are on it.",
                "group_id": "",
                "channel": "reply",
            }
        )
        if n % 3 == 0:
            rows.append(
                {
                    "platform": "x",
                    "message_id": f"f{n}",
                    "thread_id": root,
                    "parent_id": f"r{n}",
                    "author_id": f"user{n % 7}",
                    "inbound": True,
                    "created_at": reply_at + timedelta(minutes=30),
                    # a thanks settles the thread; a complaint makes it wait again
                    "text": "Thanks so much! 🙏" if n % 6 == 0 else "Still broken.",
                    "group_id": "",
                    "channel": "reply",
                }
            )
    return rows


def _fill(ws: Any, *, overlaps: bool) -> None:
    import pyarrow as pa

    from socialproof.workspace import engine
    from socialproof.workspace.schema import CANONICAL

    rng = random.Random(7)
    tables = {
        "ad_stats": _ads(rng) + (_overlapping_ads() if overlaps else []),
        "posts": _posts(rng),
        "account_daily": _daily(),
        "messages": _messages(rng),
    }
    with ws.transaction() as con:
        for name, rows in tables.items():
            engine.upsert(con, CANONICAL[name], pa.Table.from_pylist(rows))


def _workspaces(root: Path, *, overlaps: bool) -> tuple[Any, Any]:
    """The same folder twice: once on DuckDB, once on Spark."""
    from socialproof.workspace import Workspace
    from socialproof.workspace.settings import Engine, settings_from_dict

    settings = settings_from_dict(
        {"owner": "Test", "timezone": TZ, "brand": {"handles": ["@acme"]}}
    )
    ws = Workspace.init(root, settings=settings)
    _fill(ws, overlaps=overlaps)
    on_spark = Workspace(
        ws.root, ws.settings.model_copy(update={"engine": Engine(backend="spark")})
    )
    return ws, on_spark


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory, spark_session: Any) -> tuple[Any, Any]:
    return _workspaces(tmp_path_factory.mktemp("spark") / "ws", overlaps=False)


@pytest.fixture(scope="module")
def messy_pair(tmp_path_factory: pytest.TempPathFactory, spark_session: Any) -> tuple[Any, Any]:
    return _workspaces(tmp_path_factory.mktemp("spark-messy") / "ws", overlaps=True)


def _is_null(v: Any) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v))


def assert_same(duck: pd.DataFrame, spark: pd.DataFrame) -> None:
    assert list(duck.columns) == list(spark.columns)
    assert len(duck) == len(spark) > 0
    for col in duck.columns:
        for i, (a, b) in enumerate(zip(duck[col].tolist(), spark[col].tolist(), strict=True)):
            where = f"{col}[{i}]: duckdb {a!r} vs spark {b!r}"
            if _is_null(a) or _is_null(b):
                assert _is_null(a) and _is_null(b), where
            elif isinstance(a, int | float | Decimal) and not isinstance(a, bool):
                assert math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12), where
            else:
                assert a == b, where


def _both(pair: tuple[Any, Any], fn: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    duck, spark = pair
    return fn(duck), fn(spark)


@pytest.mark.parametrize(
    ("by", "period"),
    [
        ("platform,campaign", "month"),
        ("campaign,ad_set", "week"),
        ("platform", "day"),
        ("ad,result_type", None),
    ],
)
def test_campaign_report_same_on_both_engines(pair: Any, by: str, period: str | None) -> None:
    from socialproof.campaigns.report import campaign_report

    duck, spark = _both(pair, lambda ws: campaign_report(ws, by=by, period=period).frame)
    assert_same(duck, spark)
    if period == "month":  # December, January, February
        assert sorted({str(d) for d in spark["month"]}) == [
            "2025-12-01",
            "2026-01-01",
            "2026-02-01",
        ]


def test_campaign_report_with_overlaps_dates_and_rates(messy_pair: Any) -> None:
    """The careful path: range and breakdown rows left out by windows, a date range, rates."""
    from socialproof.campaigns.report import campaign_report

    def report(ws: Any) -> Any:
        return campaign_report(
            ws,
            by="campaign",
            period="week",
            since="2025-12-29",
            until="2026-02-08",
            rates={"USD": 0.9},
        )

    duck, spark = _both(messy_pair, report)
    assert_same(duck.frame, spark.frame)
    assert duck.notes == spark.notes
    # Launch's only rows (the upsert keeps one row per day without object keys) are the
    # January range and one age row of 5 January inside it: the range counts, the day its
    # total holds does not (99,999, not 99,999 + 1,200), on both engines.
    launch = spark.frame[spark.frame["campaign"] == "Launch"]
    assert int(launch["impressions"].sum()) == 99999


def test_every_kpi_of_every_view_same_on_both_engines(pair: Any) -> None:
    from socialproof.metrics import registry, views
    from socialproof.workspace import engine

    cases = [
        ("ad_stats", ["platform"], "month"),
        ("posts", ["platform", "format"], "week"),
        ("account_daily", ["platform"], "month"),
    ]

    def run(ws: Any) -> list[pd.DataFrame]:
        out = []
        with engine.backend(ws) as con:
            for name, by, period in cases:
                view = views.get_view(name)
                t = views.view(con, name, timezone=TZ)
                expr = registry.compute(
                    t,
                    None,
                    table=name,
                    by=by,
                    period=period,
                    time_column=view.time_column,
                    timezone=TZ,
                )
                out.append(engine.execute(expr))
        return out

    duck, spark = _both(pair, run)
    for d, s in zip(duck, spark, strict=True):
        assert len(d.columns) > 3
        assert_same(d, s)


def test_post_reports_same_on_both_engines(pair: Any) -> None:
    from socialproof.campaigns.report import post_report

    top, top_spark = _both(pair, lambda ws: post_report(ws, top=10).frame)
    assert_same(top, top_spark)
    grouped = _both(pair, lambda ws: post_report(ws, group_by="format", period="day").frame)
    assert_same(*grouped)
    one = _both(
        pair,
        lambda ws: (
            post_report(
                ws, platform="instagram", since="2026-01-01", until="2026-01-31", top=None
            ).frame
        ),
    )
    assert_same(*one)


def test_audit_same_on_both_engines_and_its_spark_cache_is_released(
    pair: Any, spark_session: Any
) -> None:
    """The audit on Spark reads its per-post table once (cached) and gives DuckDB's cells."""
    from socialproof.campaigns.audit import audit, recommendations_frame, summary_frame

    duck, spark = _both(pair, audit)
    assert_same(summary_frame(duck), summary_frame(spark))
    assert [(a.platform, a.account) for a in duck.accounts] == [
        (a.platform, a.account) for a in spark.accounts
    ]
    for a, b in zip(duck.accounts, spark.accounts, strict=True):
        for part in ("format_mix", "by_weekday", "by_hour", "top", "bottom", "benchmarks"):
            rows_a, rows_b = getattr(a, part), getattr(b, part)
            assert len(rows_a) == len(rows_b), part
            if rows_a:
                assert_same(pd.DataFrame(rows_a), pd.DataFrame(rows_b))
        assert a.growth == pytest.approx(b.growth)
    assert recommendations_frame(duck) == recommendations_frame(spark)
    assert any(a.top for a in spark.accounts)
    # nothing stays cached in the session once the audit is done
    assert spark_session.sparkContext._jsc.getPersistentRDDs().size() == 0
    assert not [t.name for t in spark_session.catalog.listTables() if "cache" in t.name]


def test_local_time_moves_late_posts_to_the_next_day_on_spark(pair: Any) -> None:
    """22:30 UTC on 28 December is 23:30 in Berlin: still the 28th; 23:10 UTC is the 29th."""
    from socialproof.metrics.ops import local_time
    from socialproof.workspace import engine

    _, spark_ws = pair
    with engine.backend(spark_ws) as con:
        t = engine.table(con, "posts")
        t = t.filter(t.post_id == "p0")
        got = engine.execute(t.select(local=local_time(t.published_at, TZ)))["local"].iloc[0]
        utc = engine.execute(t.select("published_at"))["published_at"].iloc[0]
    assert con.name == "pyspark"
    assert pd.Timestamp(got) - pd.Timestamp(utc) == pd.Timedelta(hours=1)  # CET in winter


def test_response_kpis_same_on_both_engines(pair: Any) -> None:
    from socialproof.community.threads import threads_view
    from socialproof.metrics import registry
    from socialproof.workspace import engine

    def run(ws: Any) -> pd.DataFrame:
        with engine.backend(ws) as con:
            t = threads_view(ws, con)
            return engine.execute(registry.compute(t, None, table="threads", by=["platform"]))

    duck, spark = _both(pair, run)
    assert_same(duck, spark)
    assert 0 < float(spark["response_rate"].iloc[0]) < 1


def test_threads_waiting_again_are_the_same_on_both_engines(pair: Any) -> None:
    """Every third answered thread has a customer message 30 minutes after the answer:
    'Still broken.' waits again since then, 'Thanks so much! 🙏' (every sixth) settles the
    thread, on Spark as on DuckDB."""
    from socialproof.community.threads import response_times

    def run(ws: Any) -> pd.DataFrame:
        return response_times(ws).listing("UTC", waiting=True)

    duck, spark = _both(pair, run)
    assert_same(duck, spark)
    again = duck[duck["state"] == "waiting again"]
    # n = 0, 3, ..., 39 less the unanswered 3, 15, 27, 39 (n % 4 == 3) and the thanks of
    # 0, 6, ..., 36: 9, 21 and 33
    assert len(again) == 3 and set(again["waiting_text"]) == {"Still broken."}


def _spark_settings(root: Path) -> None:
    path = root / "socialproof.toml"
    text = path.read_text(encoding="utf-8")
    assert 'backend = "duckdb"' in text
    path.write_text(text.replace('backend = "duckdb"', 'backend = "spark"'), encoding="utf-8")


def test_setting_engine_spark_makes_the_cli_use_spark(pair: Any, tmp_path: Path, cli: Any) -> None:
    from socialproof.workspace import spark

    duck_ws, _ = pair
    copy = tmp_path / "copy"
    shutil.copytree(duck_ws.root, copy)
    _spark_settings(copy)
    args = ("report", "campaigns", "--by", "platform,campaign", "--period", "month")
    expected = cli(*args, "--format", "csv", cwd=duck_ws.root)
    assert expected.exit_code == 0, expected
    got = cli(*args, "--format", "csv", cwd=copy)
    assert got.exit_code == 0, got
    assert any(db == str((copy / "workspace.duckdb").resolve()) for db, _ in spark._views)
    assert_same(pd.read_csv(io.StringIO(expected.stdout)), pd.read_csv(io.StringIO(got.stdout)))


def test_spark_sees_new_imports(tmp_path: Path, spark_session: Any) -> None:
    """A workspace changed after Spark read it is read again."""
    import pyarrow as pa

    from socialproof.campaigns.report import campaign_report
    from socialproof.workspace import engine
    from socialproof.workspace.schema import CANONICAL

    _, ws = _workspaces(tmp_path / "ws", overlaps=False)
    before = campaign_report(ws, by="platform").frame
    row = {
        "platform": "tiktok",
        "account": "a",
        "campaign": "New",
        "ad_set": "",
        "ad": "",
        "date_start": date(2026, 1, 2),
        "date_stop": date(2026, 1, 2),
        "breakdown": "",
        "currency": "USD",
        "spend": 10.0,
        "impressions": 1000,
    }
    with ws.transaction() as con:
        engine.upsert(con, CANONICAL["ad_stats"], pa.Table.from_pylist([row]))
    after = campaign_report(ws, by="platform").frame
    assert "tiktok" not in set(before["platform"])
    assert after.set_index("platform").loc["tiktok", "impressions"] == 1000


def test_missing_pyspark_is_a_clean_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from socialproof.errors import MissingExtra
    from socialproof.workspace import spark

    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(MissingExtra, match=r"pyspark.*socialproof\[spark\]"):
        spark.session()


def test_missing_java_is_a_one_line_cli_error(
    pair: Any, tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from socialproof.workspace import spark

    duck_ws, _ = pair
    copy = tmp_path / "copy"
    shutil.copytree(duck_ws.root, copy)
    _spark_settings(copy)
    monkeypatch.setattr(spark, "_session", None)  # as in a fresh process
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    got = cli("report", "campaigns", cwd=copy)
    assert got.exit_code == 1
    lines = [line for line in got.stderr.splitlines() if line.strip()]
    assert lines[0].startswith("Error: The Spark engine needs Java"), got
    assert "Traceback" not in got.stderr


SCORED_TEXTS = [
    "I love this, thank you so much for the quick help!",
    "Worst service ever. My order is late again and nobody answers.",
    "Buy cheap followers now!!! visit http://spam.example.com",
    "Buy cheap followers now!!! visit http://spam.example.com",
    "Buy cheap followers now!!! visit http://spam.example.com",
    "You are all idiots and I hate you",
    "Where is my parcel? Tracking says delivered.",
    "",
    "Ünïcödé, emoji 😀 and a very long text. " * 200,
    "ok",
]


def scored_on(root: Path, engine_kw: dict[str, str]) -> pd.DataFrame:
    """``message_scores`` after ``score_messages`` on a fresh workspace with ``engine_kw``."""
    import pyarrow as pa

    from socialproof.community import scoring
    from socialproof.workspace import Workspace, engine
    from socialproof.workspace.schema import CANONICAL
    from socialproof.workspace.settings import Engine, settings_from_dict

    settings = settings_from_dict(
        {"owner": "Test", "timezone": TZ, "brand": {"handles": ["@acme"]}}
    )
    ws = Workspace.init(root, settings=settings)
    rows = [
        {
            "platform": "x" if i % 2 else "reddit",
            "message_id": f"m{i}",
            "thread_id": f"m{i}",
            "author_id": "spammer" if "followers" in text else f"user{i % 3}",
            "inbound": True,
            "created_at": datetime(2026, 1, 3, 7, 0) + timedelta(hours=i),
            "text": text,
            "group_id": "",
            "channel": "mention",
        }
        for i, text in enumerate(SCORED_TEXTS * 3)
    ]
    with ws.transaction() as con:
        engine.upsert(con, CANONICAL["messages"], pa.Table.from_pylist(rows))
    ws = Workspace(ws.root, ws.settings.model_copy(update={"engine": Engine(**engine_kw)}))
    result = scoring.score_messages(ws, workers=1)
    assert result.scored == len(rows), result
    # text_hash is one definition on every engine (scoring.text_hash), so it is compared too
    with ws.connect(read_only=True) as con:
        return con.execute(  # type: ignore[no-any-return]
            "SELECT platform, message_id, text_hash, sentiment, sentiment_score, spam, toxic, "
            "reasons, models FROM message_scores ORDER BY platform, message_id"
        ).df()


def test_scoring_on_spark_executors_equals_duckdb(
    tmp_path: Path, spark_session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from socialproof.community import executors

    calls: list[int] = []
    real = executors.score_on_executors

    def counted(frame: Any, models: Any, fn: Any) -> Any:
        calls.append(1)
        return real(frame, models, fn)

    monkeypatch.setattr(executors, "score_on_executors", counted)
    want = scored_on(tmp_path / "duck", {})
    assert not calls  # DuckDB scores in this process
    got = scored_on(tmp_path / "spark", {"backend": "spark"})
    assert calls == [1]  # Spark scored on its executors
    assert {"positive", "negative"} <= set(want["sentiment"])
    assert want["spam"].any() and want["toxic"].any()
    assert_same(want, got)


def test_a_store_written_through_spark_reads_as_the_database(
    pair: tuple[Any, Any], tmp_path: Path
) -> None:
    """The path for s3a:// and hdfs:// URIs (Spark's Hadoop file system), tried on file://."""
    import duckdb

    from socialproof.workspace import parquet_store

    duck_ws, _ = pair
    uri = (tmp_path / "via-spark").as_uri()
    manifest = parquet_store.publish_with_spark(duck_ws, uri)
    by_duckdb = parquet_store.publish(duck_ws, (tmp_path / "via-duckdb").as_uri())
    assert {n: (t.rows, t.partitioned_by) for n, t in manifest.tables.items()} == {
        n: (t.rows, t.partitioned_by) for n, t in by_duckdb.tables.items()
    }
    assert manifest.tables["ad_stats"].rows > 0

    def folders(root: Path, version: str) -> list[str]:
        base = root / version / "ad_stats"
        return sorted({str(p.parent.relative_to(base)) for p in base.rglob("*.parquet")})

    assert folders(tmp_path / "via-spark", manifest.version) == folders(
        tmp_path / "via-duckdb", by_duckdb.version
    )
    # DuckDB reads what Spark wrote: every table has the database's rows, cell for cell
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    parquet_store.create_views(con, uri, manifest)
    for info in manifest.tables.values():
        got = parquet_store.checksum(con, f'"{info.name}"', list(info.columns))
        assert parquet_store.same_sum(got, info.checksum), info.name
    con.close()
    assert not (tmp_path / "via-spark" / "_staging").exists()


def test_a_remote_store_without_its_connector_is_one_line(pair: tuple[Any, Any], cli: Any) -> None:
    duck_ws, _ = pair
    result = cli("engine", "migrate", "--to", "parquet", "s3a://bucket/acme", cwd=duck_ws.root)
    assert result.exit_code != 0
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result
    assert "s3a" in lines[0] and "connector" in lines[0], lines


THEME_TEXTS = [
    f"{opening} {body}"
    for body in (
        "my parcel is late again, the delivery never arrived",
        "the courier lost my package and tracking is stuck",
        "where is my order? shipping takes weeks",
        "I want a refund, you charged my card twice",
        "please refund the payment for the cancelled order",
        "the invoice is wrong and I was billed too much",
        "I cannot log in, the app says my password is wrong",
        "the login page crashes and I cannot reset my password",
        "the app keeps crashing after the update",
    )
    for opening in ("Hi,", "Hello team,", "Ugh.", "Seriously,", "Hey @acme")
]


def themes_on(root: Path, engine_kw: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``discover_themes`` on a fresh workspace with ``engine_kw``: the themes, and which
    theme each message was put in (as stored)."""
    import pyarrow as pa

    from socialproof.community import scoring
    from socialproof.workspace import Workspace, engine
    from socialproof.workspace.schema import CANONICAL
    from socialproof.workspace.settings import Engine, settings_from_dict

    settings = settings_from_dict(
        {"owner": "Test", "timezone": TZ, "brand": {"handles": ["@acme"]}}
    )
    ws = Workspace.init(root, settings=settings)
    rows = [
        {
            "platform": "x",
            "message_id": f"t{i}",
            "thread_id": f"t{i}",
            "author_id": f"user{i}",
            "inbound": True,
            "created_at": datetime(2026, 1, 3, 7, 0) + timedelta(hours=i),
            "text": text,
            "group_id": "",
            "channel": "mention",
        }
        for i, text in enumerate(THEME_TEXTS)
    ]
    with ws.transaction() as con:
        engine.upsert(con, CANONICAL["messages"], pa.Table.from_pylist(rows))
    ws = Workspace(ws.root, ws.settings.model_copy(update={"engine": Engine(**engine_kw)}))
    result = scoring.discover_themes(ws, k=3)
    with ws.connect(read_only=True) as con:
        assigned = con.execute(
            "SELECT platform, message_id, theme_id FROM message_themes "
            "ORDER BY platform, message_id"
        ).df()
    return result.themes, assigned


def test_themes_embed_on_spark_executors_and_equal_duckdb(
    tmp_path: Path, spark_session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from socialproof.community import executors

    calls: list[int] = []
    real = executors.embed

    def counted(ws: Any, texts: list[str]) -> Any:
        calls.append(len(texts))
        return real(ws, texts)

    monkeypatch.setattr(executors, "embed", counted)
    want, want_assigned = themes_on(tmp_path / "duck", {})
    assert not calls  # DuckDB embeds in this process
    got, got_assigned = themes_on(tmp_path / "spark", {"backend": "spark"})
    assert calls == [len(THEME_TEXTS)]  # every text was embedded on the executors
    assert len(want) == 3 and sorted(want["size"]) == [15, 15, 15]  # the three topics
    pd.testing.assert_frame_equal(want, got)
    pd.testing.assert_frame_equal(want_assigned, got_assigned)


def test_blank_result_types_and_overlapping_exports_same_on_both_engines(
    tmp_path: Path, spark_session: Any
) -> None:
    """Result types taken from the ad, breakdown kinds and levels per day, on Spark too."""
    import pyarrow as pa

    from socialproof.campaigns.report import campaign_report
    from socialproof.ingest.sameness import with_object_keys
    from socialproof.workspace import engine
    from socialproof.workspace.schema import CANONICAL

    duck, spark = _workspaces(tmp_path / "ws", overlaps=False)

    def row(ad: str, day: int, spend: float, results: float, rtype: str | None, **kw: Any) -> Any:
        return {
            "platform": "meta",
            "account": "z",
            "campaign": "Blank",
            "ad_set": "S" if ad else "",
            "ad": ad,
            "date_start": date(2026, 1, day),
            "date_stop": date(2026, 1, day),
            "breakdown": "",
            "currency": "USD",
            "spend": spend,
            "impressions": 1000,
            "results": results,
            "result_type": rtype,
            **kw,
        }

    rows = [
        row("A", 1, 5.0, 2.0, "actions:link_click"),
        row("A", 2, 3.0, 0.0, None),  # takes A's type
        row("B", 1, 2.0, 0.0, None),  # never a result, in a campaign of two types: blank
        row("C", 3, 4.0, 1.0, "actions:lead", breakdown="age=18-24"),
        row("C", 3, 6.0, 2.0, "actions:lead", breakdown="age=25-34"),
        row("C", 3, 10.0, 3.0, "actions:lead", breakdown="gender=female"),  # another kind
        row("", 4, 9.0, 0.0, None),  # a campaign-level day without ad rows
    ]
    with duck.transaction() as con:
        engine.upsert(con, CANONICAL["ad_stats"], with_object_keys(pa.Table.from_pylist(rows)))
    for by in ("campaign,result_type", "campaign"):
        d, s = _both((duck, spark), lambda ws, by=by: campaign_report(ws, by=by))
        assert_same(d.frame, s.frame)
        assert d.notes == s.notes
    report = campaign_report(duck, by="campaign,result_type")
    d = report.frame
    mine = d[d["campaign"] == "Blank"]
    blank = mine.set_index(mine["result_type"].fillna("").rename("rt"))
    # link clicks: A's 5 + 3; leads: one kind of day 3's breakdown (age: 4 + 6); B and the
    # campaign-level day 4 (its campaign has two types) stay blank: 2 + 9
    assert blank.loc["actions:link_click", "spend"] == pytest.approx(8.0)
    assert blank.loc["actions:lead", "spend"] == pytest.approx(10.0)
    assert blank.loc["actions:lead", "results"] == pytest.approx(3.0)
    assert blank.loc["", "spend"] == pytest.approx(11.0)
    assert any(n.startswith("2 row(s) without a result (spend 11.00 USD)") for n in report.notes)


def test_breakdown_ranges_of_two_kinds_same_on_both_engines(
    tmp_path: Path, spark_session: Any
) -> None:
    """Range breakdowns of different kinds and lengths: the kind covering most days counts."""
    import pyarrow as pa

    from socialproof.campaigns.report import campaign_report
    from socialproof.ingest.sameness import with_object_keys
    from socialproof.workspace import engine
    from socialproof.workspace.schema import CANONICAL

    duck, spark = _workspaces(tmp_path / "ws", overlaps=False)

    def row(ad: str, start: int, stop: int, breakdown: str, spend: float) -> Any:
        return {
            "platform": "meta",
            "account": "z",
            "campaign": "Kinds",
            "ad_set": "S",
            "ad": ad,
            "date_start": date(2026, 3, start),
            "date_stop": date(2026, 3, stop),
            "breakdown": breakdown,
            "currency": "USD",
            "spend": spend,
            "impressions": 100,
        }

    rows = [
        row("A", 1, 31, "age=18-24", 20.0),
        row("A", 1, 31, "age=25-34", 11.0),
        row("A", 1, 15, "gender=female", 9.0),  # inside the age range: left out
        row("A", 1, 15, "gender=male", 6.0),
        row("B", 1, 10, "gender=female", 4.0),  # B's gender covers 10 + 10 days, age 5
        row("B", 11, 20, "gender=female", 3.0),
        row("B", 3, 7, "age=18-24", 2.0),  # left out
    ]
    with duck.transaction() as con:
        engine.upsert(con, CANONICAL["ad_stats"], with_object_keys(pa.Table.from_pylist(rows)))
    d, s = _both((duck, spark), lambda ws: campaign_report(ws, by="campaign,ad"))
    assert_same(d.frame, s.frame)
    assert d.notes == s.notes
    mine = d.frame[d.frame["campaign"] == "Kinds"].set_index("ad")
    assert mine.loc["A", "spend"] == pytest.approx(31.0)
    assert mine.loc["B", "spend"] == pytest.approx(7.0)
    assert any(
        n.startswith("3 reporting-range breakdown row(s) (spend 17.00 USD)") for n in d.notes
    )


def test_crossing_ranges_of_one_kind_same_on_both_engines(
    tmp_path: Path, spark_session: Any
) -> None:
    """Two ranges of one ad that cross (1-15 and 10-31 March), plain or by age: the longer
    counts, the other is said with its spend, on Spark as on DuckDB."""
    import pyarrow as pa

    from socialproof.campaigns.report import campaign_report
    from socialproof.ingest.sameness import with_object_keys
    from socialproof.workspace import engine
    from socialproof.workspace.schema import CANONICAL

    duck, spark = _workspaces(tmp_path / "ws", overlaps=False)

    def row(ad: str, start: int, stop: int, breakdown: str, spend: float) -> Any:
        return {
            "platform": "meta",
            "account": "z",
            "campaign": "Cross",
            "ad_set": "S",
            "ad": ad,
            "date_start": date(2026, 3, start),
            "date_stop": date(2026, 3, stop),
            "breakdown": breakdown,
            "currency": "USD",
            "spend": spend,
            "impressions": 100,
        }

    rows = [
        row("A", 1, 15, "", 150.0),  # 15 days beside 22: left out
        row("A", 10, 31, "", 220.0),
        row("B", 1, 15, "age=18-24", 100.0),  # left out
        row("B", 1, 15, "age=25-34", 50.0),  # left out
        row("B", 10, 31, "age=18-24", 120.0),
        row("B", 10, 31, "age=25-34", 100.0),
    ]
    with duck.transaction() as con:
        engine.upsert(con, CANONICAL["ad_stats"], with_object_keys(pa.Table.from_pylist(rows)))
    d, s = _both((duck, spark), lambda ws: campaign_report(ws, by="campaign,ad"))
    assert_same(d.frame, s.frame)
    assert d.notes == s.notes
    mine = d.frame[d.frame["campaign"] == "Cross"].set_index("ad")
    assert mine.loc["A", "spend"] == pytest.approx(220.0)
    assert mine.loc["B", "spend"] == pytest.approx(220.0)
    assert any(
        n.startswith("3 reporting-range row(s) (spend 300.00 USD) are left out") for n in d.notes
    )


def test_kind_chains_and_ranges_beside_days_same_on_both_engines(
    tmp_path: Path, spark_session: Any
) -> None:
    """Three kinds of range breakdowns in a chain, and a range beside daily rows of some
    of its days, with and without a period: the same figures on Spark."""
    import pyarrow as pa

    from socialproof.campaigns.report import campaign_report
    from socialproof.ingest.sameness import with_object_keys
    from socialproof.workspace import engine
    from socialproof.workspace.schema import CANONICAL

    duck, spark = _workspaces(tmp_path / "ws", overlaps=False)

    def row(ad: str, start: int, stop: int, breakdown: str, spend: float, **kw: Any) -> Any:
        return {
            "platform": "meta",
            "account": "z",
            "campaign": "Chains",
            "ad_set": "S",
            "ad": ad,
            "date_start": date(2026, 3, start),
            "date_stop": date(2026, 3, stop),
            "breakdown": breakdown,
            "currency": "USD",
            "spend": spend,
            "impressions": 100,
            "object_key": "",  # keyed by names where not given (from_pylist reads row 1)
            **kw,
        }

    rows = [
        row("A", 1, 10, "age=18-24", 10.0),  # meets gender only, which gives way: counts
        row("A", 8, 20, "gender=female", 12.0),  # meets placement (more days): left out
        row("A", 18, 31, "placement=feed", 14.0),
        row("B", 1, 31, "", 62.0),  # counts; B's daily rows inside it do not
        *(row("B", d, d, "", 2.0) for d in range(1, 11)),
        row("C", 1, 5, "", 30.0),  # beside daily rows of other days: counts
        *(row("C", d, d, "", 1.0) for d in range(6, 9)),
        row("D v1", 1, 1, "", 5.0, object_key="ad:9"),  # one ad, renamed: 'D v2'
        row("D v2", 2, 2, "", 7.0, object_key="ad:9"),
    ]
    with duck.transaction() as con:
        engine.upsert(con, CANONICAL["ad_stats"], with_object_keys(pa.Table.from_pylist(rows)))
    for period in ({}, {"since": "2026-03-01", "until": "2026-03-10"}):
        d, s = _both((duck, spark), lambda ws, p=period: campaign_report(ws, by="campaign,ad", **p))
        assert_same(d.frame, s.frame)
        assert d.notes == s.notes
    whole = campaign_report(duck, by="campaign,ad").frame
    mine = whole[whole["campaign"] == "Chains"].set_index("ad")
    assert list(mine.loc[["A", "B", "C", "D v2"], "spend"]) == [
        pytest.approx(24.0),
        pytest.approx(62.0),
        pytest.approx(33.0),
        pytest.approx(12.0),
    ]
    assert "D v1" not in mine.index
    cut = campaign_report(duck, by="campaign,ad", since="2026-03-01", until="2026-03-10").frame
    mine = cut[cut["campaign"] == "Chains"].set_index("ad")
    # 1-10 March: A's age range (10.00), B's days (10 x 2.00; its month is cut), C's range
    # and its days (30 + 3)
    assert list(mine.loc[["A", "B", "C"], "spend"]) == [
        pytest.approx(10.0),
        pytest.approx(20.0),
        pytest.approx(33.0),
    ]


def test_the_dashboard_rollup_of_a_range_beside_days_same_on_both_engines(
    tmp_path: Path, spark_session: Any
) -> None:
    """The dashboard's roll-up keeps the daily rows a month counts instead of, with the
    month's days, so every window agrees with the report: the same on Spark."""
    import pyarrow as pa

    from socialproof.campaigns.rollup import ad_rollup
    from socialproof.ingest.sameness import with_object_keys
    from socialproof.workspace import engine
    from socialproof.workspace.schema import CANONICAL

    duck, spark = _workspaces(tmp_path / "ws", overlaps=False)

    def row(start: int, stop: int, spend: float) -> Any:
        return {
            "platform": "meta",
            "account": "z",
            "campaign": "Month",
            "ad_set": "S",
            "ad": "B",
            "date_start": date(2026, 3, start),
            "date_stop": date(2026, 3, stop),
            "breakdown": "",
            "currency": "USD",
            "spend": spend,
            "impressions": 100,
        }

    rows = [row(1, 31, 62.0), *(row(d, d, 2.0) for d in range(1, 11))]
    with duck.transaction() as con:
        engine.upsert(con, CANONICAL["ad_stats"], with_object_keys(pa.Table.from_pylist(rows)))
    grain = ("platform", "account", "campaign")
    # 1-10 and 5-20 March cut the month (its days count), the whole of March holds it
    for period, spend in (
        ({"since": "2026-03-01", "until": "2026-03-10"}, 20.0),
        ({"since": "2026-03-05", "until": "2026-03-20"}, 12.0),
        ({"since": "2026-03-01", "until": "2026-03-31"}, 62.0),
        ({}, 62.0),
    ):
        d, s = (
            ad_rollup(ws, grain=grain, kpis=["spend"]).report(
                by="campaign", kpis=["spend"], **period
            )
            for ws in (duck, spark)
        )
        assert_same(d.frame, s.frame)
        mine = d.frame.set_index("campaign")
        assert mine.loc["Month", "spend"] == pytest.approx(spend)


def test_daily_rows_inside_crossing_ranges_same_on_both_engines(
    tmp_path: Path, spark_session: Any
) -> None:
    """Daily rows inside two ranges that cross (1-15 and 10-31 March, days 3-8 and
    12-20): the days in the range that gives way count, and the roll-up tags each day with
    every range around it, so a window cutting both counts them: the same on Spark."""
    import pyarrow as pa

    from socialproof.campaigns.report import campaign_report
    from socialproof.campaigns.rollup import ad_rollup
    from socialproof.ingest.sameness import with_object_keys
    from socialproof.workspace import engine
    from socialproof.workspace.schema import CANONICAL

    duck, spark = _workspaces(tmp_path / "ws", overlaps=False)

    def row(start: int, stop: int, spend: float) -> Any:
        return {
            "platform": "meta",
            "account": "z",
            "campaign": "Cross",
            "ad_set": "S",
            "ad": "A",
            "date_start": date(2026, 3, start),
            "date_stop": date(2026, 3, stop),
            "breakdown": "",
            "currency": "USD",
            "spend": spend,
            "impressions": 100,
        }

    days = [*range(3, 9), *range(12, 21)]
    rows = [row(1, 15, 150.0), row(10, 31, 220.0), *(row(d, d, 10.0) for d in days)]
    with duck.transaction() as con:
        engine.upsert(con, CANONICAL["ad_stats"], with_object_keys(pa.Table.from_pylist(rows)))
    grain = ("platform", "account", "campaign")
    # the month: 10-31 (220) and 3-8 March's days (60); 10-20: both ranges cut, the days
    # 12-20 (90); 1-20: 1-15 (150) and 16-20 March's days (50)
    for period, spend in (
        ({}, 280.0),
        ({"since": "2026-03-10", "until": "2026-03-20"}, 90.0),
        ({"since": "2026-03-01", "until": "2026-03-20"}, 200.0),
    ):
        d, s = _both((duck, spark), lambda ws, p=period: campaign_report(ws, by="campaign", **p))
        assert_same(d.frame, s.frame)
        rd, rs = (
            ad_rollup(ws, grain=grain, kpis=["spend"]).report(
                by="campaign", kpis=["spend"], **period
            )
            for ws in (duck, spark)
        )
        assert_same(rd.frame, rs.frame)
        for frame in (d.frame, rd.frame):
            assert frame.set_index("campaign").loc["Cross", "spend"] == pytest.approx(spend)
