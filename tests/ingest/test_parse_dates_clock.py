"""Clock times as exports write them: 12-hour clocks, zone names and offsets, month
names with 'at', two-digit years, and days that do not exist.

Every expected value is written by hand; the workspace zone is Europe/Berlin (UTC+1 in
March 2026 until the 29th), so a local 16:30 is stored as 15:30 UTC.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialproof.ingest import sqlpath
from socialproof.ingest.importer import import_paths, read_context, read_rejects
from socialproof.ingest.parse import parse_dates, parse_timestamps

BERLIN = "Europe/Berlin"


@pytest.mark.parametrize(
    ("cell", "utc"),
    [
        # 12-hour clocks, any spacing, case, points
        ("2026-03-06 4:45:00 PM", datetime(2026, 3, 6, 15, 45)),
        ("2026-03-06 04:30 PM", datetime(2026, 3, 6, 15, 30)),
        ("2026-03-06 4:30pm", datetime(2026, 3, 6, 15, 30)),
        ("2026-03-06 4:30 p.m.", datetime(2026, 3, 6, 15, 30)),
        ("2026-03-06 4:30 P.M.", datetime(2026, 3, 6, 15, 30)),
        ("2026-03-06 9:05 am", datetime(2026, 3, 6, 8, 5)),
        ("2026-03-06 12:00 AM", datetime(2026, 3, 5, 23, 0)),
        ("2026-03-06 12:30 PM", datetime(2026, 3, 6, 11, 30)),
        ("03/06/2026 4:30:15 a.m.", datetime(2026, 3, 6, 3, 30, 15)),
        ("2026-03-06 4 PM", datetime(2026, 3, 6, 15, 0)),
        # fractions of a second outside ISO 8601
        ("03/06/2026 16:30:00.123", datetime(2026, 3, 6, 15, 30, 0, 123000)),
        ("Mar 6, 2026 4:30:00.250 PM", datetime(2026, 3, 6, 15, 30, 0, 250000)),
        ("06.03.2026 16:30:00,5 UTC", datetime(2026, 3, 6, 16, 30, 0, 500000)),
        ("2026-03-06 4:30:00.5 PM", datetime(2026, 3, 6, 15, 30, 0, 500000)),
        ("Mar 6, 2026 at 4pm UTC", datetime(2026, 3, 6, 16, 0)),
        # zone names and offsets are honoured, not read as Berlin time
        ("2026-03-06 16:30:00 UTC", datetime(2026, 3, 6, 16, 30)),
        ("2026-03-06 16:30 GMT", datetime(2026, 3, 6, 16, 30)),
        ("2026-03-06 16:30 Z", datetime(2026, 3, 6, 16, 30)),
        ("2026-03-06T16:30:00Z", datetime(2026, 3, 6, 16, 30)),
        ("2026-03-06 16:30:00+01:00", datetime(2026, 3, 6, 15, 30)),
        ("2026-03-06 16:30:00 +0100", datetime(2026, 3, 6, 15, 30)),
        ("2026-03-06 16:30 -05:00", datetime(2026, 3, 6, 21, 30)),
        ("2026-03-06 16:30 GMT+1", datetime(2026, 3, 6, 15, 30)),
        ("2026-03-06 16:30 UTC+05:30", datetime(2026, 3, 6, 11, 0)),
        ("2026-03-06 16:30:00 (UTC)", datetime(2026, 3, 6, 16, 30)),
        ("2026-03-06 8:30 AM PST", datetime(2026, 3, 6, 16, 30)),
        ("03/06/2026 16:30 +0200", datetime(2026, 3, 6, 14, 30)),
        # month names, with 'at' or a comma before the time
        ("March 6, 2026 at 4:30 PM", datetime(2026, 3, 6, 15, 30)),
        ("Fri, Mar 6, 2026 at 4:30 PM", datetime(2026, 3, 6, 15, 30)),
        ("March 6, 2026, 4:30 PM", datetime(2026, 3, 6, 15, 30)),
        ("Mar 6, 2026 4:30 pm", datetime(2026, 3, 6, 15, 30)),
        ("6 March 2026 16:30", datetime(2026, 3, 6, 15, 30)),
        ("6 mars 2026 à 16:30", datetime(2026, 3, 6, 15, 30)),
        ("06-Mar-26 4:30 PM", datetime(2026, 3, 6, 15, 30)),
        ("Mar 6, 26 4:30 PM", datetime(2026, 3, 6, 15, 30)),
        ("Fri, Mar 6, 26", datetime(2026, 3, 5, 23, 0)),
        ("March 6 26 16:30", datetime(2026, 3, 6, 15, 30)),
    ],
)
def test_a_cell_is_the_instant_it_names(cell: str, utc: datetime) -> None:
    p = parse_timestamps([cell], timezone=BERLIN)
    assert p.values.to_pylist() == [utc]
    assert p.invalid.tolist() == [False]


def test_two_digit_years_are_this_century_in_the_column_s_order() -> None:
    # Excel's US short date; 13 settles month first for the column
    us = parse_timestamps(["3/6/26 16:30", "3/13/26 9:00"], timezone=BERLIN)
    assert us.values.to_pylist() == [datetime(2026, 3, 6, 15, 30), datetime(2026, 3, 13, 8, 0)]
    # European re-save: 13 settles day first
    eu = parse_timestamps(["06.03.26 16:30", "13.03.26 09:00"], timezone=BERLIN)
    assert eu.values.to_pylist() == [datetime(2026, 3, 6, 15, 30), datetime(2026, 3, 13, 8, 0)]
    # the rule of Python's %y: 00-68 are 20xx, 69-99 are 19xx
    assert parse_dates(["1/2/68", "1/2/69", "1/2/00"], dayfirst=False).values.to_pylist() == [
        date(2068, 1, 2),
        date(1969, 1, 2),
        date(2000, 1, 2),
    ]


@pytest.mark.parametrize(
    "cell",
    [
        "2026-03-06 13:30 PM",  # no 12-hour clock shows 13
        "2026-03-06 0:30 PM",
        "2026-03-06 16:30 CST",  # US Central or China: not guessed
        "2026-03-06 16:30 +25:00",
        "2026-03-06 16:30 foo",
        "2026/02/30",  # days that do not exist are not moved into March
        "02/30/2026 10:00",
        "Feb 30, 2026",
        "Thu, Feb 30, 2026",
        "20260230",
        "29-Feb-2026",
        "00000101",  # year 0: no Python date (the whole file failed on it)
        "0026/03/06",
    ],
)
def test_a_cell_that_names_no_instant_is_invalid(cell: str) -> None:
    p = parse_timestamps([cell], timezone=BERLIN)
    assert p.values.to_pylist() == [None]
    assert p.invalid.tolist() == [True]


def test_real_days_near_a_month_start_stay() -> None:
    cells = ["2026/03/02", "Mon, Mar 2, 2026", "2024/02/29", "2026-3-2 9:05", "1 Mar 2026"]
    assert parse_dates(cells).values.to_pylist() == [
        date(2026, 3, 2),
        date(2026, 3, 2),
        date(2024, 2, 29),
        date(2026, 3, 2),
        date(2026, 3, 1),
    ]


def test_real_times_near_a_month_start_stay() -> None:
    cells = [
        "03/02/2026 16:30:15",
        "2026/03/01 00:00:00",
        "Mar 3, 2026 4:05:09 PM",
        "2026-3-1 9:05:00",
    ]
    assert parse_timestamps(cells).values.to_pylist() == [
        datetime(2026, 3, 2, 16, 30, 15),
        datetime(2026, 3, 1, 0, 0, 0),
        datetime(2026, 3, 3, 16, 5, 9),
        datetime(2026, 3, 1, 9, 5, 0),
    ]


def test_a_date_with_a_zone_is_the_local_day() -> None:
    p = parse_dates(["2026-03-06 23:30 UTC", "2026-03-06 11:30 PM"], timezone=BERLIN)
    assert p.values.to_pylist() == [date(2026, 3, 7), date(2026, 3, 6)]


def _workspace(root: Path, timezone: str) -> Any:
    from socialproof.workspace import Workspace
    from socialproof.workspace.settings import settings_from_dict

    return Workspace.init(root, settings=settings_from_dict({"owner": "T", "timezone": timezone}))


def test_an_inbox_export_in_berlin_is_imported_with_the_right_instants(tmp_path: Path) -> None:
    path = tmp_path / "inbox.csv"
    path.write_text(
        "message_id,author_id,created_at,text,parent_id\n"
        "a,u,3/6/26 16:30,hi,\n"
        "b,v,3/13/26 4:45 PM,hey,a\n"
        "c,u,2026-03-06 16:30:00 UTC,again,\n"
        'd,v,"March 6, 2026 at 4:30 PM",hello,c\n'
        "e,u,2026-03-06 13:30 PM,odd clock,\n"
        "f,u,02/30/2026 10:00,no such day,\n",
        encoding="utf-8",
    )
    ws = _workspace(tmp_path / "ws", BERLIN)
    [s] = import_paths(ws, [path], ctx=read_context(ws))
    assert s.status == "imported", s.error
    with ws.connect(read_only=True) as con:
        rows = dict(con.execute("SELECT message_id, created_at FROM messages").fetchall())
    assert rows == {
        "a": datetime(2026, 3, 6, 15, 30),
        "b": datetime(2026, 3, 13, 15, 45),
        "c": datetime(2026, 3, 6, 16, 30),
        "d": datetime(2026, 3, 6, 15, 30),
    }
    # the two unreadable cells are rejected with a reason, not dropped or stored at midnight
    assert s.rejected == 2
    assert s.rejects_file is not None
    reasons = [r["reason"] for r in read_rejects(s.rejects_file)]
    assert len(reasons) == 2
    assert "13:30 PM" in reasons[0] and "is not a date and time" in reasons[0]
    assert "02/30/2026" in reasons[1]


META_HEADER = (
    "Reporting starts,Reporting ends,Campaign name,Ad set name,Ad name,Day,"
    "Amount spent (USD),Impressions,Reach,Results,Result indicator,Link clicks\n"
)


def test_both_import_paths_store_the_same_for_us_short_dates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The SQL path reads ISO days only: a file of '3/6/26' days goes to Python, and
    both ways store the same rows (March days, not year 3)."""
    lines = []
    for i in range(2100):
        day = f"3/{1 + i // 100}/26"  # 1-21 March 2026, month first ('3/13/26')
        lines.append(
            f"{day},{day},Campaign {i % 4},Set {i % 8},Ad {i % 40},{day},"
            f"{i % 90}.25,{1000 + i},{900 + i},{i % 7},actions:link_click,{i % 11}\n"
        )
    path = tmp_path / "ads.csv"
    path.write_text(META_HEADER + "".join(lines), encoding="utf-8")
    monkeypatch.setattr(sqlpath, "SQL_PATH_BYTES", 0)
    stored = []
    for sql in ("1", "0"):
        monkeypatch.setenv("SOCIALPROOF_SQL_PATH", sql)
        ws = _workspace(tmp_path / f"ws{sql}", "UTC")
        with caplog.at_level(logging.DEBUG, logger="socialproof.ingest"):
            [s] = import_paths(ws, [path], ctx=read_context(ws, account="acme"))
        assert (s.status, s.inserted, s.rejected) == ("imported", 2100, 0), s.error
        with ws.connect(read_only=True) as con:
            stored.append(
                con.execute(
                    "SELECT date_start, count(*), sum(impressions) FROM ad_stats "
                    "GROUP BY date_start ORDER BY date_start"
                ).fetchall()
            )
    assert stored[0] == stored[1]
    assert [r[0] for r in stored[0]] == [date(2026, 3, d) for d in range(1, 22)]
    assert [r[1] for r in stored[0]] == [100] * 21


_SHAPES = (
    # (strftime shape of the cell, offset hours written in it or None for local time)
    ("%Y-%m-%d %I:%M %p", None),
    ("%Y-%m-%d %I:%M:%S %p", None),
    ("%m/%d/%y %H:%M", None),
    ("%B %d, %Y at %I:%M %p", None),
    ("%d %b %Y %H:%M UTC", 0.0),
    ("%Y-%m-%d %H:%M:%S GMT", 0.0),
    ("%Y-%m-%d %H:%M +0530", 5.5),
    ("%b %d, %Y %I:%M %p -05:00", -5.0),
)


@settings(max_examples=80, deadline=None)
@given(
    when=st.datetimes(min_value=datetime(2005, 1, 1), max_value=datetime(2060, 12, 31)),
    shape=st.sampled_from(_SHAPES),
    lower=st.booleans(),
)
def test_any_written_instant_is_read_back(
    when: datetime, shape: tuple[str, float | None], lower: bool
) -> None:
    when = when.replace(second=when.second if "%S" in shape[0] else 0, microsecond=0)
    cell = when.strftime(shape[0])
    if lower:
        cell = cell.lower()
    # a month-first column (the 2-digit-year shape): 13 settles the order
    p = parse_timestamps([cell], timezone="UTC", dayfirst=False)
    offset = shape[1] or 0.0
    assert p.values.to_pylist() == [when - timedelta(hours=offset)], cell


@pytest.mark.parametrize(
    ("weeks", "expected"),
    [
        # day first, settled by the ends alone (no start day is above 12)
        (
            ("01/03/2026 - 07/03/2026", "08/03/2026 - 14/03/2026"),
            [(date(2026, 3, 1), date(2026, 3, 7)), (date(2026, 3, 8), date(2026, 3, 14))],
        ),
        # month first, settled by the ends alone
        (
            ("03/01/2026 - 03/07/2026", "03/08/2026 - 03/14/2026"),
            [(date(2026, 3, 1), date(2026, 3, 7)), (date(2026, 3, 8), date(2026, 3, 14))],
        ),
    ],
)
def test_a_reporting_range_is_read_in_one_day_month_order(
    tmp_path: Path, weeks: tuple[str, str], expected: list[tuple[date, date]]
) -> None:
    path = tmp_path / "weeks.csv"
    path.write_text(
        "Campaign name,Ad set name,Ad name,Week,Amount spent (USD),Impressions\n"
        + "".join(f"C,S,A,{w},10,100\n" for w in weeks),
        encoding="utf-8",
    )
    ws = _workspace(tmp_path / "ws", "UTC")
    [s] = import_paths(ws, [path], ctx=read_context(ws, account="acme"))
    assert s.status == "imported", s.error
    with ws.connect(read_only=True) as con:
        got = con.execute("SELECT date_start, date_stop FROM ad_stats ORDER BY 1").fetchall()
    assert got == expected


@pytest.mark.parametrize(
    ("cell", "day"),
    [
        ("2026-03-06 23:30 -05:00", date(2026, 3, 6)),  # 04:30 UTC on the 7th
        ("2026-03-06T23:30:00-05:00", date(2026, 3, 6)),
        ("2026-03-06T23:30:00-0530", date(2026, 3, 6)),
        ("2026-03-06T01:30:00+09:00", date(2026, 3, 6)),  # 16:30 UTC on the 5th
        ("Mar 6, 2026 11:30 PM EST", date(2026, 3, 6)),
        ("03/06/2026 23:30 -0500", date(2026, 3, 6)),
        ("2026-03-06T23:30:00Z", date(2026, 3, 6)),
        ("1772841600", date(2026, 3, 7)),  # an epoch is an instant: 7 March 00:00 UTC
    ],
)
def test_a_date_with_an_offset_keeps_the_day_written(cell: str, day: date) -> None:
    assert parse_dates([cell]).values.to_pylist() == [day]


def test_a_date_with_an_offset_is_that_zone_s_day_when_a_zone_is_given() -> None:
    p = parse_dates(["2026-03-06 23:30 -05:00", "2026-03-06T01:30:00+09:00"], timezone=BERLIN)
    # 04:30 UTC on the 7th is 05:30 in Berlin; 16:30 UTC on the 5th is 17:30 there
    assert p.values.to_pylist() == [date(2026, 3, 7), date(2026, 3, 5)]


def test_a_zone_name_not_read_is_named_in_the_reason(tmp_path: Path) -> None:
    from ._formats import read

    head = "Post ID,Account username,Description,Publish time,Permalink,Post type,Reach\n"
    body = (
        "1,acme,a,03/02/2026 10:00 CST,https://www.instagram.com/p/A/,IG image,100\n"
        "2,acme,b,Mar 3 2026 4:30 PM IST,https://www.instagram.com/p/B/,IG image,200\n"
        "3,acme,c,03/04/2026 10:00 EST,https://www.instagram.com/p/C/,IG image,300\n"
        "4,acme,d,03/05/2026 10:00 soon,https://www.instagram.com/p/D/,IG image,300\n"
    )
    path = tmp_path / "posts.csv"
    path.write_text(head + body, encoding="utf-8")
    result = read(path, "meta-posts")
    reasons = {r.line: r.reason for r in result.rejects}
    assert sorted(reasons) == [2, 3, 5]
    assert "the time zone 'CST'" in reasons[2] and "UTC offsets" in reasons[2]
    assert "the time zone 'IST'" in reasons[3]
    assert "is not a date and time" in reasons[5]


@pytest.mark.parametrize(
    ("cell", "utc"),
    [
        # the Unix 'date' layout: the zone before the year, the day padded with a space
        ("Fri Mar 06 16:30:00 UTC 2026", datetime(2026, 3, 6, 16, 30)),
        ("Fri Mar  6 16:30:00 CET 2026", datetime(2026, 3, 6, 15, 30)),
        ("Fri Mar 6 16:30:00 +0200 2026", datetime(2026, 3, 6, 14, 30)),
        # the French clock
        ("2026-03-06 16h30", datetime(2026, 3, 6, 15, 30)),
        ("06/03/2026 16h30", datetime(2026, 3, 6, 15, 30)),  # 06 is the day, 13 says so
        ("6 mars 2026 à 16h30", datetime(2026, 3, 6, 15, 30)),
        ("6 mars 2026 16 h 05", datetime(2026, 3, 6, 15, 5)),
        ("6 mars 2026 16h", datetime(2026, 3, 6, 15, 0)),
        # a weekday that agrees with the date, in any of the languages read
        ("Fri 2026-03-06", datetime(2026, 3, 5, 23, 0)),
        ("Friday, 06/03/2026 09:00", datetime(2026, 3, 6, 8, 0)),
        ("vendredi 6 mars 2026", datetime(2026, 3, 5, 23, 0)),
        ("Freitag, 6. März 2026", datetime(2026, 3, 5, 23, 0)),
        ("viernes, 6 de marzo de 2026", datetime(2026, 3, 5, 23, 0)),
        # abbreviated before a day number: a French `date`, a German export
        ("ven. 06 mars 2026 16:30:00 CET", datetime(2026, 3, 6, 15, 30)),
        ("Fr, 6. März 2026 16:30", datetime(2026, 3, 6, 15, 30)),
        ("Mar. 6, 2026 16:30", datetime(2026, 3, 6, 15, 30)),  # March, not mardi
    ],
)
def test_unix_date_french_clocks_and_weekdays_are_read(cell: str, utc: datetime) -> None:
    p = parse_timestamps([cell, "13/03/2026 10:00"], timezone=BERLIN)
    assert p.values.to_pylist()[0] == utc
    assert p.invalid.tolist() == [False, False]


@pytest.mark.parametrize(
    "cell",
    [
        "Fri 2026-03-05",  # 5 March 2026 is a Thursday
        "Fri, Mar 5, 2026",
        "Friday, March 5, 2026 4:30 PM",
        "Thu Mar 06 16:30:00 UTC 2026",
        "Wed Oct 12 06:55:44 +0000 2017",
        "vendredi 5 mars 2026",
        "Mon 2026-03-06 16h30",
        "jeu. 06 mars 2026 16:30:00 CET",
        "Sa 8. März 2026",  # a Sunday
    ],
)
def test_a_weekday_that_contradicts_its_date_is_invalid(cell: str) -> None:
    p = parse_timestamps([cell], timezone=BERLIN)
    assert p.values.to_pylist() == [None]
    assert p.invalid.tolist() == [True]
    assert parse_dates([cell]).values.to_pylist() == [None]


def test_the_weekday_is_the_one_of_the_day_written_not_the_utc_day() -> None:
    # 23:30 at -05:00 on Thursday 5 March is Friday in UTC: the cell says Thursday, rightly
    cells = ["Thu Mar 05 23:30:00 -0500 2026", "Thu, 5 Mar 2026 23:30 EST"]
    p = parse_timestamps(cells, timezone=BERLIN)
    assert p.values.to_pylist() == [datetime(2026, 3, 6, 4, 30)] * 2
    assert parse_dates(cells).values.to_pylist() == [date(2026, 3, 5)] * 2


def test_a_contradicting_weekday_is_named_in_the_reason(tmp_path: Path) -> None:
    from ._formats import read

    head = "Post ID,Account username,Description,Publish time,Permalink,Post type,Reach\n"
    body = (
        '1,acme,a,"Fri, Mar 5, 2026 10:00",https://www.instagram.com/p/A/,IG image,100\n'
        '2,acme,b,"Thu, Mar 5, 2026 10:00",https://www.instagram.com/p/B/,IG image,200\n'
    )
    path = tmp_path / "posts.csv"
    path.write_text(head + body, encoding="utf-8")
    result = read(path, "meta-posts")
    assert [(r.line, r.reason) for r in result.rejects] == [
        (
            2,
            "column 'Publish time': 'Fri, Mar 5, 2026 10:00' names Friday, but 2026-03-05 "
            "is a Thursday; correct the date or the weekday in the file",
        )
    ]


def test_weekdays_settle_the_order_of_day_and_month() -> None:
    # 6 March 2026 is a Friday, 3 June 2026 a Wednesday: no day above 12 tells, they do
    friday = parse_dates(["Fri 06/03/2026", "Sat 07/03/2026"])
    assert friday.values.to_pylist() == [date(2026, 3, 6), date(2026, 3, 7)]
    assert friday.notes == [
        "Dates like 06/03/2026 were read day first (06 = day): the weekdays written with "
        "them say so."
    ]
    wednesday = parse_timestamps(["Wed 06/03/2026 16:30"], timezone=BERLIN)
    assert wednesday.values.to_pylist() == [datetime(2026, 6, 3, 14, 30)]  # CEST
    # without weekdays, the separator rule as before
    assert parse_dates(["06/03/2026"]).values.to_pylist() == [date(2026, 6, 3)]


@pytest.mark.parametrize(
    ("cells", "note"),
    [
        # the note quotes a date of the column that reads both ways
        (["03/13/2026", "04/07/2026"], None),  # settled by the 13: no note
        (["05/05/2026", "07/07/2026 10:00"], None),  # day and month equal: one reading
        (["05/05/2026", "04/07/2026"], "Dates like 04/07/2026 were read month first (04 = month)."),
        (["1-1-2026", "3-4-2026"], "Dates like 3-4-2026 were read day first (3 = day)."),
    ],
)
def test_the_order_note_quotes_an_ambiguous_date_of_the_file(
    cells: list[str], note: str | None
) -> None:
    got = parse_dates(cells)
    assert got.notes == ([note] if note else [])
