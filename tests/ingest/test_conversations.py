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


def test_a_direction_column_says_which_messages_are_the_brands(tmp_path: Path) -> None:
    path = tmp_path / "inbox.csv"
    path.write_text(
        "message_id,author,direction,sent_at,message,parent_message_id\n"
        "m1,Jane Doe,Inbound,2026-03-06 16:30,hi there,\n"
        "m2,Acme Support,Outbound,2026-03-09 09:30,hello!,m1\n"
        "m3,Bob,incoming,2026-03-06 17:00,question,\n"
        "m4,Acme Support,OUT,2026-03-07 09:00,answer,m3\n"
        "m5,Eve,in,2026-03-07 10:00,more,m4\n"
        "m6,Acme Support,sent,2026-03-07 11:00,done,m5\n"
        "m7,Ann,yes,2026-03-07 12:00,a yes/no column still reads,\n"
        "m8,Ann,sideways,2026-03-07 12:00,an unknown word is unknown,\n",
        encoding="utf-8",
    )
    result = CustomerCareFormat().read(open_source(path), ReadContext())
    rows = by_id(result.tables["messages"])
    inbound = {mid: r["inbound"] for mid, r in rows.items()}
    assert inbound == {
        "m1": True, "m2": False, "m3": True, "m4": False,
        "m5": True, "m6": False, "m7": True, "m8": None,
    }  # fmt: skip
    assert not result.rejects


def test_outbound_messages_answer_threads_in_the_report(tmp_path: Path) -> None:
    """No brand handle set: 'Outbound' alone makes the brand's replies (times by hand)."""
    from socialproof.community.threads import response_times
    from socialproof.ingest.importer import import_paths, read_context
    from socialproof.workspace import Workspace
    from socialproof.workspace.settings import settings_from_dict

    path = tmp_path / "inbox.csv"
    path.write_text(
        "message_id,author,direction,sent_at,message,parent_message_id\n"
        "m1,Jane Doe,Inbound,2026-03-06 16:30,hi there,\n"
        "m2,Acme Support,Outbound,2026-03-09 09:30,hello!,m1\n",
        encoding="utf-8",
    )
    settings = settings_from_dict({"owner": "T", "timezone": "America/New_York"})
    ws = Workspace.init(tmp_path / "ws", settings=settings)
    [s] = import_paths(ws, [path], ctx=read_context(ws))
    assert s.status == "imported"
    r = response_times(ws)
    assert r.overall["answered"] == 1
    # Fri 16:30 EST (21:30 UTC) to Mon 09:30 EDT (13:30 UTC; clocks went forward on
    # Sunday 8 March): 64 h; in business hours 16:30-17:00 + 09:00-09:30 = 1 h
    assert r.threads.loc[0, "first_response_s"] == 64 * 3600
    assert r.threads.loc[0, "first_response_bh_s"] == 3600
    assert r.threads.loc[0, "agent"] == "Acme Support"


def test_a_direction_column_reads_the_same_on_the_sql_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.ingest.test_sqlpath import CARE_HEADER, care_lines, import_both, write

    header = CARE_HEADER.replace(",inbound,", ",direction,")
    words = {"True": "Inbound", "true": "incoming", "": "", "False": "Outbound"}
    words |= {"FALSE": "OUT", "no": "sent"}
    lines = []
    for line in care_lines(2100):
        cells = line.split(",")
        cells[2] = words[cells[2]]
        lines.append(",".join(cells))
    path = write(tmp_path / "care.csv", lines, header)
    sql_s, _, taken = import_both(tmp_path, path, monkeypatch, caplog, table="messages")
    assert taken and sql_s.inserted == 2100
    ws = tmp_path / "ws1"
    import duckdb

    with duckdb.connect(str(ws / "workspace.duckdb"), read_only=True) as con:
        got = con.execute(
            "SELECT message_id, inbound, is_brand FROM messages "
            "WHERE message_id IN ('5000', '5001', '5002', '5003') ORDER BY message_id"
        ).fetchall()
    assert got == [
        ("5000", True, False),  # Inbound
        ("5001", False, True),  # OUT
        ("5002", None, False),  # empty
        ("5003", False, True),  # Outbound (i = 3: 'False')
    ]


# A week of an inbox re-saved by Excel in a day-first locale: no day above 12, so the
# cells cannot say which number is the day. Read month first, the reply 05/03 -> 06/03
# (17.5 hours) becomes 3 May -> 3 June, and 08/03 -> 09/03 (20 minutes) a month.
EXCEL_WEEK = (
    "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"
    "1,ann,True,05/03/2026 16:00,late order,2,\n"
    "2,AcmeHelp,False,06/03/2026 09:30,sorry!,3,1\n"
    "3,ann,True,06/03/2026 10:00,thanks,,2\n"
    "4,bob,True,08/03/2026 23:50,app down,5,\n"
    "5,AcmeHelp,False,09/03/2026 00:10,looking,,4\n"
    "6,cy,True,12/03/2026 11:00,refund?,,\n"
)


def test_day_and_month_order_comes_from_the_reply_links(tmp_path: Path) -> None:
    path = tmp_path / "week.csv"
    path.write_text(EXCEL_WEEK, encoding="utf-8")
    result = CustomerCareFormat().read(open_source(path), ReadContext())
    rows = by_id(result.tables["messages"])
    assert rows["1"]["created_at"] == datetime(2026, 3, 5, 16, 0)
    assert rows["2"]["created_at"] == datetime(2026, 3, 6, 9, 30)
    assert rows["5"]["created_at"] == datetime(2026, 3, 9, 0, 10)
    assert rows["6"]["created_at"] == datetime(2026, 3, 12, 11, 0)
    # the note quotes a date of the file (was a made-up '03/04/2026')
    assert any(
        n.startswith("Dates like 05/03/2026 were read day first (05 = day)") for n in result.notes
    )
    assert not any("month first" in n for n in result.notes)

    # the same week written month first (a US re-save) is read month first
    us = "\n".join(
        line.replace("05/03/", "03/05/").replace("06/03/", "03/06/").replace("08/03/", "03/08/")
        .replace("09/03/", "03/09/").replace("12/03/", "03/12/")
        for line in EXCEL_WEEK.splitlines()
    )  # fmt: skip
    path.write_text(us + "\n", encoding="utf-8")
    result = CustomerCareFormat().read(open_source(path), ReadContext())
    rows = by_id(result.tables["messages"])
    assert rows["2"]["created_at"] == datetime(2026, 3, 6, 9, 30)
    assert rows["6"]["created_at"] == datetime(2026, 3, 12, 11, 0)
    assert any("read month first" in n for n in result.notes)


def test_a_day_above_12_settles_the_order_before_the_links(tmp_path: Path) -> None:
    path = tmp_path / "week.csv"
    path.write_text(EXCEL_WEEK.replace("12/03/2026 11:00", "13/03/2026 11:00"), encoding="utf-8")
    result = CustomerCareFormat().read(open_source(path), ReadContext())
    rows = by_id(result.tables["messages"])
    assert rows["6"]["created_at"] == datetime(2026, 3, 13, 11, 0)
    assert rows["2"]["created_at"] == datetime(2026, 3, 6, 9, 30)
    assert not any("replies follow" in n for n in result.notes)


def test_links_that_cannot_tell_leave_the_usual_reading(tmp_path: Path) -> None:
    path = tmp_path / "day.csv"
    path.write_text(  # replies on the same day read the same either way
        "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"
        "1,ann,True,05/03/2026 16:00,late order,2,\n"
        "2,AcmeHelp,False,05/03/2026 16:30,sorry!,,1\n",
        encoding="utf-8",
    )
    result = CustomerCareFormat().read(open_source(path), ReadContext())
    rows = by_id(result.tables["messages"])
    assert rows["1"]["created_at"] == datetime(2026, 5, 3, 16, 0)  # '/': month first
    # the file's own date, not '03/08/2026 ... (03 = month)'
    assert "Dates like 05/03/2026 were read month first (05 = month)." in result.notes


def test_an_excel_week_gives_the_report_its_hand_worked_times(tmp_path: Path) -> None:
    from socialproof.community.threads import response_times
    from socialproof.ingest.importer import import_paths, read_context
    from socialproof.workspace import Workspace
    from socialproof.workspace.settings import settings_from_dict

    path = tmp_path / "week.csv"
    path.write_text(EXCEL_WEEK, encoding="utf-8")
    settings = settings_from_dict(
        {"owner": "T", "timezone": "Europe/Berlin", "brand": {"handles": ["AcmeHelp"]}}
    )
    ws = Workspace.init(tmp_path / "ws", settings=settings)
    [s] = import_paths(ws, [path], ctx=read_context(ws))
    assert s.status == "imported"
    r = response_times(ws)
    t = r.threads.set_index("thread_key")
    # ann: Thu 5 Mar 16:00 -> Fri 6 Mar 09:30 = 17.5 h; business hours (09:00-17:00):
    # 16:00-17:00 + 09:00-09:30 = 1.5 h; she only thanked at 10:00, after the reply: the
    # thread is resolved at the reply
    assert t.loc["1", "first_response_s"] == 17.5 * 3600
    assert t.loc["1", "first_response_bh_s"] == 1.5 * 3600
    assert bool(t.loc["1", "resolved"]) and t.loc["1", "resolution_s"] == 17.5 * 3600
    # bob: Sun 8 Mar 23:50 -> Mon 9 Mar 00:10 = 20 min, no working time (off hours)
    assert t.loc["4", "first_response_s"] == 20 * 60
    assert bool(t.loc["4", "off_hours"])
    assert not bool(t.loc["6", "answered"])
    o = r.overall
    assert (o["threads"], o["answered"], o["unanswered"]) == (3, 2, 1)
    assert o["median_first_response_h"] == (17.5 + 1 / 3) / 2
    assert o["within_sla_rate"] == 2 / 3
    assert o["median_first_response_bh_h"] == 1.5  # bob's off-hours thread left out


def test_the_order_with_fewer_replies_before_their_message_wins(tmp_path: Path) -> None:
    path = tmp_path / "slow.csv"
    path.write_text(  # day first: 12 March -> 1 April; month first: 3 Dec -> 4 Jan, earlier
        "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"
        "1,ann,True,12/03/2026 23:00,anyone?,2,\n"
        "2,AcmeHelp,False,01/04/2026 08:00,so sorry,,1\n",
        encoding="utf-8",
    )
    result = CustomerCareFormat().read(open_source(path), ReadContext())
    rows = by_id(result.tables["messages"])
    assert rows["2"]["created_at"] == datetime(2026, 4, 1, 8, 0)
    assert any("(1 would come before them the other way)" in n for n in result.notes)


def test_a_separate_time_column_gives_the_dates_their_times(tmp_path: Path) -> None:
    path = tmp_path / "split.csv"
    path.write_text(
        "message_id,author,date,time,text,parent_id\n"
        "1,ann,2026-03-02,10:00,hi,\n"
        "2,acme,2026-03-02,10:45,hello,1\n"
        "3,bob,02/03/2026 00:00:00,11:00,q,\n"  # Excel's midnight on a date cell
        "4,acme,2026-03-03,9:15 AM,a,3\n"
        "5,cy,2026-03-04,,no time given,\n"
        "6,dee,2026-03-05,12:05 p.m.,noon,\n"
        "7,acme,2026-03-06,12:30 AM,night,6\n"
        "8,eve,2026-03-06,4:30\u202fPM,a narrow no-break space,\n"
        "9,fay,2026-03-06,teatime,not a time: rejected with its date,\n",
        encoding="utf-8",
    )
    result = CustomerCareFormat().read(open_source(path), ReadContext(timezone="Europe/Berlin"))
    rows = by_id(result.tables["messages"])
    assert rows["6"]["created_at"] == datetime(2026, 3, 5, 11, 5)
    assert rows["7"]["created_at"] == datetime(2026, 3, 5, 23, 30)
    # Berlin is UTC+1 in early March
    assert rows["1"]["created_at"] == datetime(2026, 3, 2, 9, 0)
    assert rows["2"]["created_at"] == datetime(2026, 3, 2, 9, 45)
    assert rows["4"]["created_at"] == datetime(2026, 3, 3, 8, 15)
    assert rows["5"]["created_at"] == datetime(2026, 3, 3, 23, 0)  # the day, at midnight
    assert rows["8"]["created_at"] == datetime(2026, 3, 6, 15, 30)
    assert any("column 'time' beside the dates" in n for n in result.notes)
    assert [(r.line, "'2026-03-06 teatime' is not a date" in r.reason) for r in result.rejects] == [
        (10, True)
    ]
    assert rows["3"]["created_at"] in (datetime(2026, 2, 3, 10, 0), datetime(2026, 3, 2, 10, 0))


def test_a_time_column_is_left_alone_when_the_dates_have_times(tmp_path: Path) -> None:
    path = tmp_path / "full.csv"
    path.write_text(
        "message_id,author,date,time,text,parent_id\n"
        "1,ann,2026-03-02 10:00,evening,hi,\n"
        "2,acme,2026-03-02 10:45,22:00,hello,1\n",
        encoding="utf-8",
    )
    result = CustomerCareFormat().read(open_source(path), ReadContext())
    rows = by_id(result.tables["messages"])
    assert rows["2"]["created_at"] == datetime(2026, 3, 2, 10, 45)
    assert not any("beside the dates" in n for n in result.notes)


def test_ids_excel_wrote_in_scientific_notation_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "resaved.csv"
    path.write_text(
        "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"
        "9.19901E+17,ann,True,2026-03-02 10:00,q1,,\n"
        "9.19901E+17,acme,False,2026-03-02 10:30,a1,,9.19901E+17\n"
        "77,bob,True,2026-03-02 11:00,q2,,\n"
        "78,acme,False,2026-03-02 11:30,a2,,1.2e+17\n"
        "79,acme,False,2026-03-02 11:40,a3,,77\n",
        encoding="utf-8",
    )
    result = CustomerCareFormat().read(open_source(path), ReadContext())
    assert sorted(by_id(result.tables["messages"])) == ["77", "79"]
    assert [r.line for r in result.rejects] == [2, 3, 5]
    assert all("scientific notation" in r.reason for r in result.rejects)
    assert all("re-export the file as CSV" in r.reason for r in result.rejects)


def test_scientific_ids_send_a_care_file_to_the_python_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.ingest.test_sqlpath import CARE_HEADER, care_lines, import_both, write

    lines = care_lines(2100)
    lines[10] = lines[10].replace("5010,", "5.01E+3,", 1)
    lines[11] = lines[11].rstrip("\n").rsplit(",", 1)[0] + ",5.01E+3\n"
    path = write(tmp_path / "care.csv", lines, CARE_HEADER)
    sql_s, _, taken = import_both(tmp_path, path, monkeypatch, caplog, table="messages")
    assert not taken  # the SQL path would have stored them
    assert (sql_s.inserted, sql_s.rejected) == (2098, 2)


def test_a_twitter_stamp_with_a_wrong_weekday_is_rejected_with_the_reason(
    tmp_path: Path,
) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"
        "1,a,True,Wed Oct 11 06:55:44 +0000 2017,hi,,\n"
        "2,b,True,Thu Oct 11 06:55:44 +0000 2017,the 11th was a Wednesday,,\n"
        "3,c,True,Wed Oct 11 23:30:00 -0500 2017,Wednesday where it was written,,\n",
        encoding="utf-8",
    )
    result = CustomerCareFormat().read(open_source(path), ReadContext())
    assert [(r.line, r.reason) for r in result.rejects] == [
        (
            3,
            "column 'created_at': 'Thu Oct 11 06:55:44 +0000 2017' names Thursday, but "
            "2017-10-11 is a Wednesday; correct the date or the weekday in the file",
        )
    ]
    rows = by_id(result.tables["messages"])
    assert rows["1"]["created_at"] == datetime(2017, 10, 11, 6, 55, 44)
    assert rows["3"]["created_at"] == datetime(2017, 10, 12, 4, 30)


def test_a_french_time_column_gives_the_dates_their_times(tmp_path: Path) -> None:
    path = tmp_path / "split.csv"
    path.write_text(
        "message_id,author,date,time,text,parent_id\n"
        "1,ann,2026-03-02,16h30,bonjour,\n"
        "2,acme,2026-03-02,17 h 05,bonjour Ann,1\n"
        "3,bob,2026-03-03,9h,question,\n",
        encoding="utf-8",
    )
    result = CustomerCareFormat().read(open_source(path), ReadContext(timezone="Europe/Paris"))
    rows = by_id(result.tables["messages"])
    assert rows["1"]["created_at"] == datetime(2026, 3, 2, 15, 30)
    assert rows["2"]["created_at"] == datetime(2026, 3, 2, 16, 5)
    assert rows["3"]["created_at"] == datetime(2026, 3, 3, 8, 0)
    assert result.rejects == []


def test_a_zone_name_not_read_is_named_in_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        "message_id,author,created_at,text\n"
        "1,ann,Fri Mar 06 16:30:00 CST 2026,hi\n"
        "2,bob,2026-03-06 16:30 IST,hi\n"
        "3,cy,Fri Mar 06 16:30:00 UTC 2026,hi\n",
        encoding="utf-8",
    )
    result = CustomerCareFormat().read(open_source(path), ReadContext())
    reasons = {r.line: r.reason for r in result.rejects}
    assert sorted(reasons) == [2, 3]
    assert "the time zone 'CST', which is not read" in reasons[2]
    assert "the time zone 'IST', which is not read" in reasons[3]
    assert by_id(result.tables["messages"])["3"]["created_at"] == datetime(2026, 3, 6, 16, 30)


def test_files_without_reply_links_are_read_as_standalone_messages(tmp_path: Path) -> None:
    """Read with --format (detection asks for the reply column): every message opens its
    own thread. Both failed with 'unexpected ArrowInvalid / TypeError ... report it'."""
    care = tmp_path / "care.csv"
    care.write_text(
        "message_id,author,created_at,text\n1,ann,2026-03-06 16:30,hi\n2,bob,2026-03-06 17:30,yo\n",
        encoding="utf-8",
    )
    got = by_id(CustomerCareFormat().read(open_source(care), ReadContext()).tables["messages"])
    assert [(r["channel"], r["parent_id"], r["thread_id"]) for r in got.values()] == [
        ("mention", None, "1"),
        ("mention", None, "2"),
    ]
    dump = tmp_path / "dump.csv"
    dump.write_text(
        "id,author,created_utc,body\nt1_a,ann,1700000000,hi\nt1_b,bob,1700000100,yo\n",
        encoding="utf-8",
    )
    got = by_id(RedditFormat().read(open_source(dump), ReadContext()).tables["messages"])
    assert [(r["channel"], r["parent_id"], r["thread_id"]) for r in got.values()] == [
        ("comment", None, "a"),
        ("comment", None, "b"),
    ]
    assert got["a"]["created_at"] == datetime(2023, 11, 14, 22, 13, 20)


def _care_workspace(tmp_path: Path, name: str = "ws") -> Any:
    from socialproof.workspace import Workspace
    from socialproof.workspace.settings import settings_from_dict

    settings = settings_from_dict({"owner": "T", "timezone": "UTC", "brand": {"handles": ["acme"]}})
    return Workspace.init(tmp_path / name, settings=settings)


def test_one_network_written_several_ways_is_one_platform(tmp_path: Path) -> None:
    """'Twitter', 'twitter', 'X' and 'x.com' were four platforms in the report, and the
    brand's answer on 'X' to a message on 'twitter' answered nothing (0 of 3 answered)."""
    from socialproof.community.threads import response_times
    from socialproof.ingest.importer import import_paths, read_context

    path = tmp_path / "care.csv"
    path.write_text(
        "tweet_id,author_id,inbound,created_at,text,in_response_to_tweet_id,platform\n"
        "1,ann,True,2026-03-02 10:00,my order is late,,Twitter\n"
        "2,acme,False,2026-03-02 11:00,sorry! looking,1,Twitter\n"
        "3,bob,True,2026-03-02 10:00,help please,,twitter\n"
        "4,acme,False,2026-03-02 12:00,on it,3,X\n"
        "5,cy,True,2026-03-02 10:00,still waiting,,x.com\n"
        "6,dee,True,2026-03-02 10:00,hello,,Mastodon\n",
        encoding="utf-8",
    )
    ws = _care_workspace(tmp_path)
    [s] = import_paths(ws, [path], ctx=read_context(ws))
    assert s.status == "imported"
    with ws.connect(read_only=True) as con:
        stored = con.execute("SELECT DISTINCT platform FROM messages ORDER BY 1").fetchall()
    assert stored == [("mastodon",), ("x",)]
    r = response_times(ws)
    assert (r.overall["threads"], r.overall["answered"]) == (4, 2)
    assert r.threads.set_index("thread_key").loc["3", "first_response_s"] == 2 * 3600


def test_platform_names_are_the_same_on_the_sql_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.ingest.test_sqlpath import CARE_HEADER, care_lines, import_both, write

    names = ("Twitter", "X", "x.com", "twitter", "X (formerly Twitter)", "")
    lines = [ln.rstrip("\n") + f",{names[i % 6]}\n" for i, ln in enumerate(care_lines(2100))]
    lines[7] = lines[7].rstrip("\n").rsplit(",", 1)[0] + ",Mastodon\n"
    path = write(tmp_path / "care.csv", lines, CARE_HEADER.rstrip("\n") + ",platform\n")
    sql_s, _, taken = import_both(tmp_path, path, monkeypatch, caplog, table="messages")
    assert taken and sql_s.inserted == 2100
    import duckdb

    with duckdb.connect(str(tmp_path / "ws1" / "workspace.duckdb"), read_only=True) as con:
        got = con.execute("SELECT platform, count(*) FROM messages GROUP BY 1 ORDER BY 1")
        assert got.fetchall() == [("mastodon", 1), ("x", 2099)]


def test_a_snake_case_export_with_thread_ids_is_read(tmp_path: Path) -> None:
    """message_id, thread_id, created_at, author, text: no reply column, so no format
    recognised it; the export's thread ids make the threads."""
    from socialproof.community.threads import response_times
    from socialproof.ingest.importer import import_paths, read_context

    path = tmp_path / "inbox.csv"
    path.write_text(
        "message_id,thread_id,created_at,author,text,platform\n"
        "m1,t1,2026-03-02 10:00:00,ann,my order is late,instagram\n"
        "m2,t1,2026-03-02 11:30:00,acme,sorry! looking into it,instagram\n"
        "m3,t1,2026-03-02 12:00:00,ann,it came today,instagram\n"
        "m4,t2,2026-03-02 10:00:00,bob,help please,instagram\n"
        "m5,,2026-03-02 10:30:00,cy,a message without a thread,instagram\n",
        encoding="utf-8",
    )
    src = open_source(path)
    best, score = registry().detect(src)[0]
    assert best.name == "conversations" and score >= 0.8
    ws = _care_workspace(tmp_path)
    [s] = import_paths(ws, [path], ctx=read_context(ws))
    assert (s.status, s.inserted, s.rejected) == ("imported", 5, 0)
    with ws.connect(read_only=True) as con:
        got = con.execute("SELECT message_id, thread_id FROM messages ORDER BY 1").fetchall()
    assert got == [("m1", "t1"), ("m2", "t1"), ("m3", "t1"), ("m4", "t2"), ("m5", "m5")]
    r = response_times(ws)
    assert (r.overall["threads"], r.overall["answered"]) == (3, 1)
    assert r.threads.set_index("thread_key").loc["t1", "first_response_s"] == 90 * 60


CARE_WITHOUT_IDS = (
    "author_id,created_at,text,in_reply_to_id\n"
    "ann,2026-03-02 10:00:00,is anyone there?,\n"
    "ann,2026-03-02 10:00:00,is anyone there?,\n"  # sent twice: two messages
    "bob,2026-03-02 10:05:00,is anyone there?,\n"
    "cy,2026-03-02 10:06:00,my card was charged twice,88\n"
)


def test_a_file_without_message_ids_gets_stable_ids(tmp_path: Path) -> None:
    """Refused before ('missing: tweet_id'). Ids come from thread, author, time and text:
    the same message gets the same id in a later export, two alike are not merged."""
    from socialproof.ingest.importer import import_paths, read_context

    first = tmp_path / "week1.csv"
    first.write_text(CARE_WITHOUT_IDS, encoding="utf-8")
    later = tmp_path / "week1-again.csv"  # the same export with one more message
    later.write_text(CARE_WITHOUT_IDS + "dee,2026-03-03 09:00:00,hello,\n", encoding="utf-8")
    ws = _care_workspace(tmp_path)
    [a] = import_paths(ws, [first], ctx=read_context(ws))
    assert (a.status, a.inserted, a.rejected) == ("imported", 4, 0)
    assert any("no message id column" in n for n in a.notes)
    [b] = import_paths(ws, [later], ctx=read_context(ws))
    assert (b.status, b.inserted, b.updated) == ("imported", 1, 0)
    with ws.connect(read_only=True) as con:
        rows = con.execute(
            "SELECT author_id, message_id, thread_id FROM messages ORDER BY author_id, message_id"
        ).fetchall()
    assert len(rows) == 5
    ann = [r for r in rows if r[0] == "ann"]
    assert len({r[1] for r in ann}) == 2  # the two alike messages are two
    assert ann[1][1] == ann[0][1] + "-2"
    assert len({r[1] for r in rows}) == 5
    assert [r[2] for r in rows if r[0] == "cy"] == ["88"]  # answers a message outside


# An inbox tool's export (Sprout- or Hootsuite-like), written for this test: spaced
# headers, the direction only in 'Message Type', the tool's own 'Response Time'.
INBOX_EXPORT = (
    "Date,Network,Profile,Message Type,From,Message,Message ID,Conversation ID,"
    "Response Time,Responded By\n"
    "03/02/2026 9:00 AM,Twitter,@acme,Incoming Mention,@ann,@acme my order is late,m1,c1,,\n"
    "03/02/2026 10:30 AM,Twitter,@acme,Sent Reply,@acme,@ann sorry! on it,m2,c1,1h 30m,Dana\n"
    "03/02/2026 9:15 AM,Facebook,Acme Page,Incoming Comment,Bo Li,Open on Sunday?,m3,c2,,\n"
    "03/02/2026 1:15 PM,Facebook,Acme Page,Sent Reply,Acme Page,Yes 10-4!,m4,c2,4h 0m,Lee\n"
    "03/03/2026 8:00 AM,Instagram,acme,Incoming Direct Message,cy_z,where is my refund??,m5,c3,,\n"
    "03/04/2026 9:00 AM,Instagram,acme,Sent Direct Message,acme,Refund sent,m6,c3,25h 0m,Dana\n"
    "03/05/2026 4:00 PM,X,@acme,Incoming Mention,@dee,@acme app crashes,m7,c4,,\n"
)


def test_an_inbox_tools_export_gives_its_response_times(tmp_path: Path) -> None:
    """Spaced headers ('Message ID', 'Conversation ID') were not recognised, and the
    direction in 'Message Type' was not read: a page answering as 'Acme Page' (no brand
    handle) left its thread unanswered. The times agree with the tool's Response Time."""
    from socialproof.community.threads import response_times
    from socialproof.ingest.importer import import_paths, read_context
    from socialproof.workspace import Workspace
    from socialproof.workspace.settings import settings_from_dict

    path = tmp_path / "inbox.csv"
    path.write_text(INBOX_EXPORT, encoding="utf-8")
    best, _ = registry().detect(open_source(path))[0]
    assert best.name == "conversations"
    ws = Workspace.init(tmp_path / "ws", settings=settings_from_dict({"owner": "T"}))
    [s] = import_paths(ws, [path], ctx=read_context(ws))
    assert (s.status, s.inserted, s.rejected) == ("imported", 7, 0)
    assert any("Message Type" in n for n in s.notes)
    r = response_times(ws)
    assert (r.overall["threads"], r.overall["answered"]) == (4, 3)
    got = r.threads.set_index("thread_key")
    assert got.loc["c1", "first_response_s"] == 90 * 60
    assert got.loc["c2", "first_response_s"] == 4 * 3600
    assert got.loc["c3", "first_response_s"] == 25 * 3600
    assert got.loc["c2", "platform"] == "facebook" and got.loc["c4", "platform"] == "x"


@pytest.mark.parametrize(
    "export",
    [
        # a page's comments from a comments tool: the parent as 'Parent Comment ID'
        "Post ID,Comment ID,Parent Comment ID,Author,Comment,Created Time,Likes\n"
        "p1,c1,,Ann Lee,Do you ship to Canada?,2026-03-02T10:00:00+0000,1\n"
        "p1,c2,c1,Acme,Yes! 5-7 days,2026-03-02T11:30:00+0000,0\n"
        "p1,c3,,Bo Chan,Love this,2026-03-02T12:00:00+0000,3\n",
        # a video's comments: 'Reply To' and 'Published At'
        "Comment ID,Reply To,Author,Comment,Published At,Like Count,Video ID\n"
        "c1,,Ann Lee,Do you ship to Canada?,2026-03-02 10:00:00,2,v1\n"
        "c2,c1,Acme,Yes! 5-7 days,2026-03-02 11:30:00,0,v1\n"
        "c3,,Bo Chan,Love this,2026-03-02 12:00:00,0,v1\n",
    ],
)
def test_comment_exports_with_spaced_headers_are_threaded(tmp_path: Path, export: str) -> None:
    """Refused before ('missing: in_response_to_tweet_id' / 'created_at'): the parent and
    time columns of comment exports were not among the names read."""
    from socialproof.community.threads import response_times
    from socialproof.ingest.importer import import_paths, read_context

    path = tmp_path / "comments.csv"
    path.write_text(export, encoding="utf-8")
    best, _ = registry().detect(open_source(path))[0]
    assert best.name == "conversations"
    ws = _care_workspace(tmp_path)
    [s] = import_paths(ws, [path], ctx=read_context(ws, platform="Facebook"))
    assert (s.status, s.inserted, s.rejected) == ("imported", 3, 0)
    r = response_times(ws)
    assert (r.overall["threads"], r.overall["answered"]) == (2, 1)
    got = r.threads.set_index("thread_key")
    assert got.loc["c1", "first_response_s"] == 90 * 60 and got.loc["c1", "platform"] == "facebook"


def test_a_care_file_naming_no_platform_says_where_it_went(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A comment or inbox export without a platform column (and not X's) was stored on the
    platform 'other' without a word; the import says so and how to name it, on either path."""
    from tests.ingest.test_sqlpath import CARE_HEADER, care_lines, import_both, write

    header = CARE_HEADER.replace("tweet_id,", "message_id,", 1)
    header = header.replace("in_response_to_tweet_id", "in_reply_to_id")
    path = write(tmp_path / "care.csv", care_lines(2100), header)
    sql_s, _, taken = import_both(tmp_path, path, monkeypatch, caplog, table="messages")
    assert taken and sql_s.inserted == 2100
    assert any("names no platform" in n and "--platform" in n for n in sql_s.notes)
    from socialproof.ingest.importer import import_paths, read_context

    ws = _care_workspace(tmp_path, "named")
    [named] = import_paths(ws, [path], ctx=read_context(ws, platform="facebook"))
    assert not any("names no platform" in n for n in named.notes)
