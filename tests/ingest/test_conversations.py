"""Conversation formats: customer care with reply links, Reddit-style dumps, thread roots."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from socialproof.ingest.base import ReadContext
from socialproof.ingest.conversations import CustomerCareFormat, RedditFormat, thread_roots
from socialproof.ingest.registry import registry
from socialproof.ingest.sources import open_source

CORE = Path(__file__).parents[1] / "data" / "ingest" / "core"


def by_id(table: pa.Table) -> dict[str, dict[str, Any]]:
    return {r["message_id"]: r for r in table.to_pylist()}


def test_customer_care_is_detected_and_read() -> None:
    src = open_source(CORE / "care.csv")
    best, score = registry().detect(src)[0]
    assert best.name == "conversations" and score >= 0.9
    result = CustomerCareFormat().read(src, ReadContext())
    rows = by_id(result.tables["messages"])
    assert result.rows_read == 7 and not result.rejects
    assert rows["2"]["parent_id"] == "1" and rows["1"]["parent_id"] is None
    assert rows["2"]["channel"] == "reply" and rows["1"]["channel"] == "mention"
    assert rows["1"]["created_at"] == datetime(2026, 3, 3, 9, 0)
    assert rows["1"]["inbound"] is True and rows["2"]["inbound"] is False
    assert rows["1"]["platform"] == "x"
    assert rows["4"]["_line"] == 5 and rows["5"]["_line"] == 7  # row 4 spans two lines


def test_timezone_applies_to_naive_timestamps_only(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        "message_id,author_id,created_at,text,parent_id\n"
        "a,u,2026-03-01 10:00,hi,\n"
        "b,v,Sun Mar 01 10:00:00 +0000 2026,hey,a\n",
        encoding="utf-8",
    )
    result = CustomerCareFormat().read(open_source(path), ReadContext(timezone="Europe/Berlin"))
    rows = by_id(result.tables["messages"])
    assert rows["a"]["created_at"] == datetime(2026, 3, 1, 9, 0)  # 10:00 Berlin = 09:00 UTC
    assert rows["b"]["created_at"] == datetime(2026, 3, 1, 10, 0)
    assert rows["a"]["platform"] == "other"


def test_unreadable_date_is_rejected_with_line(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        "message_id,author_id,created_at,text,parent_id\na,u,yesterday-ish,hi,\nb,u,2026-03-01,ok,\n",
        encoding="utf-8",
    )
    result = CustomerCareFormat().read(open_source(path), ReadContext())
    assert [r.line for r in result.rejects] == [2]
    assert "yesterday-ish" in result.rejects[0].reason
    assert result.tables["messages"].num_rows == 1


def test_reddit_dump() -> None:
    src = open_source(CORE / "reddit.csv")
    best, _ = registry().detect(src)[0]
    assert best.name == "reddit"
    result = RedditFormat().read(src, ReadContext())
    rows = by_id(result.tables["messages"])
    assert rows["c2"]["parent_id"] == "c1" and rows["c1"]["parent_id"] == "p1"
    assert rows["c3"]["thread_id"] == "p1" and rows["c4"]["thread_id"] == "p2"
    assert rows["c1"]["post_id"] == "p1" and rows["c1"]["group_id"] == "acme"
    assert rows["c1"]["created_at"] == datetime(2026, 3, 3, 8, 0)
    assert rows["c1"]["platform"] == "reddit"


def test_reddit_brand_replies_come_from_settings(workspace: Any) -> None:
    from socialproof.ingest.importer import import_paths, read_context

    ctx = read_context(workspace, brand_handles=("acme_official",))
    import_paths(workspace, [CORE / "reddit.csv"], ctx=ctx)
    with workspace.connect() as con:
        brand = con.execute("SELECT message_id FROM messages WHERE is_brand").fetchall()
    assert brand == [("c2",)]


@pytest.mark.parametrize(
    "ids,parents,expected",
    [
        (["1", "2", "3"], [None, "1", "2"], ["1", "1", "1"]),
        (["1", "2", "3", "4"], [None, "1", "9", "3"], ["1", "1", "9", "9"]),
        (["a", "b"], ["b", "a"], None),  # a cycle must terminate
    ],
)
def test_thread_roots(
    ids: list[str], parents: list[str | None], expected: list[str] | None
) -> None:
    roots = thread_roots(pa.array(ids), pa.array(parents, pa.string())).to_pylist()
    if expected is not None:
        assert roots == expected
    else:
        assert len(roots) == 2


def test_deep_chain_is_resolved() -> None:
    n = 5000
    ids = pa.array([str(i) for i in range(n)])
    parents = pa.array([None] + [str(i - 1) for i in range(1, n)], pa.string())
    assert set(thread_roots(ids, parents).to_pylist()) == {"0"}


def test_twitter_timestamps_fast_path_matches_strptime() -> None:
    import pyarrow.compute as pc

    from socialproof.ingest.conversations import _twitter_utc

    values = pa.array(
        [
            "Wed Oct 11 06:55:44 +0000 2017",
            "Mon Jan 01 00:00:00 +0000 2024",
            "Sun Dec 31 23:59:59 +0000 2023",
        ]
    )
    expected = pc.strptime(values, format="%a %b %d %H:%M:%S %z %Y", unit="us").cast(
        pa.timestamp("us")
    )
    assert _twitter_utc(values).equals(expected)
    assert _twitter_utc(pa.array(["Wed Feb 30 06:55:44 +0000 2017"])) is None
    assert _twitter_utc(pa.array(["Wed Oct 11 06:55:44 +0200 2017"])) is None


def test_impossible_twitter_date_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"
        "1,a,True,Wed Feb 30 06:55:44 +0000 2017,hi,,\n"
        "2,b,True,Wed Oct 11 06:55:44 +0200 2017,ok,,\n",
        encoding="utf-8",
    )
    result = CustomerCareFormat().read(open_source(path), ReadContext())
    assert [r.line for r in result.rejects] == [2]
    assert by_id(result.tables["messages"])["2"]["created_at"] == datetime(2017, 10, 11, 4, 55, 44)
