"""Stored roll-ups: after imports, undos and in-place changes, equal to a roll-up from scratch."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
import pytest

from socialproof.campaigns import rollup_store as store
from socialproof.campaigns.report import campaign_report, post_report
from socialproof.campaigns.rollup import ad_rollup, post_rollup
from socialproof.demo import SAMPLES

PAID = ("spend", "impressions", "ctr_link", "cpc", "cpm", "results", "cost_per_result", "roas")
ORGANIC = ("impressions", "reach", "interactions", "engagement_rate_reach", "link_clicks")
WANTED = {store.ADS: PAID, store.POSTS: ORGANIC}


def _same(a: Any, b: Any) -> None:
    """Same columns, rows, figures (to float rounding) and notes."""
    fa, fb = a.frame.reset_index(drop=True), b.frame.reset_index(drop=True)
    assert list(fa.columns) == list(fb.columns)
    assert len(fa) == len(fb)
    kpis = {k.name for k in a.kpis}
    for col in fa.columns:
        for x, y in zip(fa[col], fb[col], strict=True):
            if col in kpis:
                xs = None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)
                ys = None if y is None or (isinstance(y, float) and math.isnan(y)) else float(y)
                assert (xs is None) == (ys is None), (col, x, y)
                if xs is not None:
                    assert xs == pytest.approx(ys, rel=1e-9), col
            else:
                assert (pd.isna(x) and pd.isna(y)) or str(x) == str(y), (col, x, y)
    assert a.notes == b.notes


def _ads_match(ws: Any, since: str, until: str) -> None:
    """The stored roll-up answers what campaign_report and a fresh roll-up answer."""
    stored = store.current(ws, store.ADS, PAID)
    fresh = ad_rollup(ws, kpis=list(PAID))
    for case in (
        {"since": since, "until": until},
        {"since": since, "until": until, "period": "week", "by": ["platform"]},
        {"since": since, "until": until, "period": "day", "by": ["account"]},
        {},
    ):
        by = case.pop("by", ["platform", "account"])
        _same(
            fresh.report(by=by, kpis=list(PAID), **case),
            stored.report(by=by, kpis=list(PAID), **case),
        )
        expected = campaign_report(ws, by=by, kpis=list(PAID), **case)
        _same(expected, stored.report(by=by, kpis=list(PAID), **case))


def _ad(day: date, account: str, import_id: str, **kw: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "platform": "meta",
        "account": account,
        "campaign": "C",
        "ad_set": "S",
        "ad": "A",
        "date_start": day,
        "date_stop": day,
        "breakdown": "",
        "currency": "USD",
        "spend": 10.0,
        "impressions": 1000,
        "reach": 800,
        "clicks": 30,
        "link_clicks": 20,
        "results": 2.0,
        "result_type": "link_click",
        "purchases": 1.0,
        "purchase_value": 30.0,
        "import_id": import_id,
    }
    row.update(kw)
    return row


def _days(start: date, n: int) -> list[date]:
    return [start + timedelta(days=i) for i in range(n)]


def test_an_import_recomputes_only_its_days_and_equals_a_fresh_rollup(workspace, insert) -> None:
    first = [_ad(d, a, "i1", spend=5.0 + d.day) for d in _days(date(2026, 3, 1), 10) for a in "ab"]
    insert("ad_stats", first)
    assert store.refresh(workspace, WANTED) == [store.ADS]  # no posts: nothing stored for them
    assert store.refresh(workspace, WANTED) == []  # current: nothing written
    before = store.current(workspace, store.ADS, PAID).frame

    # a second import: new days for account a, and one day of a replaced (new spend)
    insert(
        "ad_stats",
        [_ad(d, "a", "i2", spend=50.0, link_clicks=None) for d in _days(date(2026, 3, 10), 5)]
        + [_ad(date(2026, 3, 11), "a", "i2", campaign="D", currency="EUR")],
    )
    _ads_match(workspace, "2026-03-01", "2026-03-31")
    after = store.current(workspace, store.ADS, PAID).frame
    untouched = after[(after["account"] == "b")].reset_index(drop=True)
    # account b's rows were not touched: kept as stored, not recomputed
    pd.testing.assert_frame_equal(
        untouched, before[before["account"] == "b"].reset_index(drop=True)
    )
    assert store.refresh(workspace, WANTED) == [store.ADS]
    _ads_match(workspace, "2026-03-05", "2026-03-12")


def test_removed_rows_and_changes_in_place_are_seen(workspace, insert) -> None:
    insert("ad_stats", [_ad(d, "a", "i1") for d in _days(date(2026, 3, 1), 6)])
    insert("ad_stats", [_ad(d, "b", "i2", spend=7.5) for d in _days(date(2026, 3, 4), 6)])
    store.refresh(workspace, WANTED)
    with workspace.transaction() as con:  # an undo of i2
        con.execute("DELETE FROM ad_stats WHERE import_id = 'i2'")
    _ads_match(workspace, "2026-03-01", "2026-03-31")
    store.refresh(workspace, WANTED)
    with workspace.transaction() as con:  # a merge rewrites a row, keeping its import
        con.execute(
            "CREATE TEMP TABLE _row AS SELECT * REPLACE (99.0 AS spend) FROM ad_stats "
            "WHERE date_start = DATE '2026-03-02'"
        )
        con.execute("DELETE FROM ad_stats WHERE date_start = DATE '2026-03-02'")
        con.execute("INSERT INTO ad_stats SELECT * FROM _row")
    got = store.current(workspace, store.ADS, PAID).report(
        since="2026-03-02", until="2026-03-02", kpis=list(PAID)
    )
    assert float(got.frame["spend"].iloc[0]) == pytest.approx(99.0)
    _ads_match(workspace, "2026-03-01", "2026-03-31")
    store.refresh(workspace, WANTED)
    with workspace.transaction() as con:  # an account renamed in place
        con.execute("UPDATE ad_stats SET account = 'renamed' WHERE account = 'a'")
    got = store.current(workspace, store.ADS, PAID).report(kpis=list(PAID))
    assert list(got.frame["account"]) == ["renamed"]
    _ads_match(workspace, "2026-03-01", "2026-03-31")


def test_overlapping_rows_recompute_whole_partitions(workspace, insert) -> None:
    insert("ad_stats", [_ad(d, "a", "i1") for d in _days(date(2026, 3, 1), 5)])
    insert("ad_stats", [_ad(date(2026, 4, 1), "b", "i1")])
    store.refresh(workspace, WANTED)
    # a reporting-range row for the same ad: the ad has daily rows, so the range row is left
    # out; and daily rows of an ad that only had a range row make its range row leave
    insert(
        "ad_stats",
        [
            _ad(date(2026, 3, 1), "a", "i2", date_stop=date(2026, 3, 31), spend=500.0),
            _ad(date(2026, 3, 1), "a", "i2", ad="R", date_stop=date(2026, 3, 31), spend=70.0),
        ],
    )
    _ads_match(workspace, "2026-03-01", "2026-03-31")
    store.refresh(workspace, WANTED)
    insert("ad_stats", [_ad(date(2026, 3, 20), "a", "i3", ad="R", spend=3.0)])
    _ads_match(workspace, "2026-03-01", "2026-03-31")
    store.refresh(workspace, WANTED)
    with workspace.transaction() as con:
        con.execute("DELETE FROM ad_stats WHERE import_id IN ('i2', 'i3')")
    _ads_match(workspace, "2026-03-01", "2026-04-30")


def test_real_import_and_undo(tmp_path) -> None:
    from socialproof.errors import NoData
    from socialproof.ingest.importer import import_paths
    from socialproof.ingest.undo import undo_import
    from socialproof.workspace import Workspace
    from socialproof.workspace.settings import settings_from_dict

    accounts = {"meta": "acme.home", "instagram": "acme.home"}
    settings = settings_from_dict({"timezone": "Europe/Berlin", "brand": {"accounts": accounts}})
    workspace = Workspace.init(tmp_path / "ws", settings=settings)

    (ads,) = import_paths(workspace, [SAMPLES / "meta_ads_daily.csv"])
    (posts,) = import_paths(workspace, [SAMPLES / "instagram_posts.csv"])
    assert ads.inserted and posts.inserted, (ads.error, posts.error)
    assert set(store.refresh(workspace, WANTED)) == {store.ADS, store.POSTS}
    fresh = post_rollup(workspace, kpis=list(ORGANIC))
    stored = store.current(workspace, store.POSTS, ORGANIC)
    for case in ({}, {"period": "week", "group_by": ["platform"]}):
        group_by = case.pop("group_by", ["platform", "account"])
        _same(
            fresh.report(group_by=group_by, kpis=list(ORGANIC), **case),
            stored.report(group_by=group_by, kpis=list(ORGANIC), **case),
        )
        expected = post_report(workspace, group_by=group_by, top=None, kpis=list(ORGANIC), **case)
        _same(expected, stored.report(group_by=group_by, kpis=list(ORGANIC), **case))
    _ads_match(workspace, "2026-01-01", "2026-03-31")
    undo_import(workspace, ads.sha256)
    with pytest.raises(NoData):
        store.current(workspace, store.ADS, PAID)
    assert store.current_many(workspace, WANTED)[store.ADS] is None
    assert store.refresh(workspace, WANTED) == [store.ADS]
    undo_import(workspace, posts.sha256)
    assert store.current_many(workspace, WANTED) == {store.ADS: None, store.POSTS: None}


def test_posts_follow_imports_and_the_time_zone(workspace, insert, make_post) -> None:
    insert("posts", [make_post("p1", datetime(2026, 3, 2, 23, 30), reach=1000, inter=50)])
    store.refresh(workspace, WANTED)
    insert("posts", [make_post("p2", datetime(2026, 3, 9, 12), reach=500, inter=90)])
    stored = store.current(workspace, store.POSTS, ORGANIC)
    _same(
        post_rollup(workspace, kpis=list(ORGANIC)).report(kpis=list(ORGANIC)),
        stored.report(kpis=list(ORGANIC)),
    )
    assert int(stored.frame["rows"].sum()) == 2


def test_a_stored_rollup_is_read_without_compiling(workspace, insert, monkeypatch) -> None:
    insert("ad_stats", [_ad(d, "a", "i1") for d in _days(date(2026, 3, 1), 3)])
    store.refresh(workspace, WANTED)

    def no_compile(*_args: Any) -> Any:
        raise AssertionError("compiled a query for a current stored roll-up")

    monkeypatch.setattr(store, "_ad_sql", no_compile)
    got = store.current(workspace, store.ADS, PAID).report(kpis=list(PAID))
    assert float(got.frame["spend"].iloc[0]) == pytest.approx(30.0)


def _no_compile(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new process (its compiled queries forgotten) that may not compile one."""
    from socialproof.campaigns import _rollup_sql

    _rollup_sql.forget()

    def no_compile(*_args: Any) -> Any:
        raise AssertionError("compiled a roll-up query")

    monkeypatch.setattr(_rollup_sql, "_compile_ad_sql", no_compile)
    monkeypatch.setattr(_rollup_sql, "_compile_post_sql", no_compile)


def test_a_new_process_updates_with_the_stored_sql(
    workspace, insert, make_post, monkeypatch
) -> None:
    insert("ad_stats", [_ad(d, "a", "i1") for d in _days(date(2026, 3, 1), 6)])
    insert("posts", [make_post("p1", datetime(2026, 3, 2, 9), reach=1000, inter=50)])
    assert set(store.refresh(workspace, WANTED)) == {store.ADS, store.POSTS}
    _no_compile(monkeypatch)
    # imports the store has not seen: a new process adds them up with the stored SQL text
    insert("ad_stats", [_ad(d, "b", "i2", spend=4.0) for d in _days(date(2026, 3, 4), 6)])
    insert("posts", [make_post("p2", datetime(2026, 3, 9, 12), reach=500, inter=90)])
    _ads_match(workspace, "2026-03-01", "2026-03-31")
    stored = store.current(workspace, store.POSTS, ORGANIC)
    monkeypatch.undo()
    _same(
        post_rollup(workspace, kpis=list(ORGANIC)).report(kpis=list(ORGANIC)),
        stored.report(kpis=list(ORGANIC)),
    )
    assert int(stored.frame["rows"].sum()) == 2


def test_stored_sql_from_other_code_is_not_used(workspace, insert, monkeypatch) -> None:
    import json

    from socialproof.campaigns import _rollup_sql

    insert("ad_stats", [_ad(d, "a", "i1") for d in _days(date(2026, 3, 1), 4)])
    store.refresh(workspace, WANTED)
    # as if another version of the code had stored it: a key of its own, and a text that
    # would give other figures
    with workspace.transaction() as con:
        (state,) = con.execute("SELECT state FROM rollup_store WHERE kind = 'ads'").fetchone()
        info = json.loads(state)
        info["sql"]["key"] = json.dumps(["another version"])
        info["sql"]["parts"] = {
            k: v.replace('"spend"', '"spend" * 1000') for k, v in info["sql"]["parts"].items()
        }
        con.execute("UPDATE rollup_store SET state = ? WHERE kind = 'ads'", [json.dumps(info)])
    _rollup_sql.forget()
    compiled: list[object] = []
    real = _rollup_sql._compile_ad_sql
    monkeypatch.setattr(_rollup_sql, "_compile_ad_sql", lambda *a: compiled.append(a) or real(*a))
    insert("ad_stats", [_ad(d, "a", "i2", spend=3.0) for d in _days(date(2026, 3, 10), 2)])
    _ads_match(workspace, "2026-03-01", "2026-03-31")
    assert len(compiled) == 1  # compiled again, once, and the key written with it
    assert store.refresh(workspace, WANTED) == [store.ADS]
    with workspace.connect(read_only=True) as con:
        assert store.read(con, store.ADS).sql["key"] != json.dumps(["another version"])


def test_the_cli_knows_which_tables_the_rollups_read() -> None:
    from socialproof.cli._common import ROLLUP_SOURCES

    # the CLI skips loading rollup_store after writes to other tables (a care import)
    assert frozenset().union(*store.SOURCES.values()) == ROLLUP_SOURCES
