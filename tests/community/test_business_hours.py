"""Business-hours response times on a care-desk layout where they used to read "0 s".

The layout follows the Kaggle TWCS dump (customer tweet, brand reply pointing at it with
``in_response_to``, times in UTC, a US/European brand answering from 13:30 UTC): written
here, not copied. The workspace runs on America/Los_Angeles time, 09:00-17:00 Mon-Fri, so
13:30 UTC is 06:30 in the morning there: most threads are opened at night and answered
before the working day starts, and waited no working time at all.

2017-10-11 is a Wednesday; Los Angeles is UTC-7 (daylight time).

thread  opened (UTC / LA)        answered (UTC / LA)       working time waited
c1      05:33 / Tue 22:33        13:38 / Wed 06:38         none (off hours)
c2      07:21 / Wed 00:21        13:40 / 06:40             none (off hours)
c3      06:29 / 23:29 Tue        13:30 / 06:30             none (off hours)
c4      04:00 / 21:00 Tue        13:45 / 06:45             none (off hours)
c5      15:00 / 08:00            17:30 / 10:30             09:00-10:30 = 5,400 s
c6      16:30 / 09:30            16:45 / 09:45             900 s
c7      23:30 / 16:30            Thu 16:30 / Thu 09:30     30 min + 30 min = 3,600 s

Before: the median over all seven, 0 0 0 0 900 3600 5400, was 0 s. Now the four threads
that waited no working time are left out of the business-hours median (and counted as
within the business-hours SLA): median of 900, 3600, 5400 = 3,600 s.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.community.test_threads import make_ws, msg, run

LAYOUT = [
    ("c1", "2017-10-11 05:33:17", "2017-10-11 13:38:29"),
    ("c2", "2017-10-11 07:21:34", "2017-10-11 13:40:27"),
    ("c3", "2017-10-11 06:29:07", "2017-10-11 13:30:39"),
    ("c4", "2017-10-11 04:00:00", "2017-10-11 13:45:00"),
    ("c5", "2017-10-11 15:00:00", "2017-10-11 17:30:00"),
    ("c6", "2017-10-11 16:30:00", "2017-10-11 16:45:00"),
    ("c7", "2017-10-11 23:30:00", "2017-10-12 16:30:00"),
]


def _ws(tmp_path: Path) -> Any:
    ws = make_ws(tmp_path, owner="T", timezone="America/Los_Angeles")
    rows = []
    for i, (key, opened, answered) in enumerate(LAYOUT):
        rows.append(msg(key, f"1174{i}", opened, inbound=True, channel="mention"))
        rows.append(msg(f"r{key}", "@acme", answered, key, inbound=False))
    ws.insert_rows(rows)
    return ws


def test_threads_that_waited_no_working_time_leave_the_median(tmp_path: Path) -> None:
    from socialproof.community.threads import response_times

    r = response_times(_ws(tmp_path))
    t = r.threads.set_index("thread_key")
    assert t.loc["c5", "first_response_bh_s"] == pytest.approx(5400)
    assert t.loc["c6", "first_response_bh_s"] == pytest.approx(900)
    assert t.loc["c7", "first_response_bh_s"] == pytest.approx(3600)
    assert sorted(t.index[t["off_hours"]]) == ["c1", "c2", "c3", "c4"]
    o = r.overall
    assert o["off_hours"] == 4
    assert o["median_first_response_bh_h"] * 3600 == pytest.approx(3600)
    assert o["within_sla_bh_rate"] == pytest.approx(1.0)
    # the plain median is untouched: all seven threads (900, 9000, 22733, 25292, 29112,
    # 35100, 61200 s), middle value c3's 7:01:32
    assert o["median_first_response_h"] * 3600 == pytest.approx(7 * 3600 + 1 * 60 + 32)
    assert any("4 of 7 answered thread(s)" in n for n in r.notes)
    assert any("Most replies fall outside the business hours" in n for n in r.notes)


def test_summary_row_says_what_was_left_out(tmp_path: Path) -> None:
    from socialproof.community.report import build_report, summary_rows

    rep = build_report(_ws(tmp_path), with_text=False)
    rows = {r["measure"]: r["value"] for r in summary_rows(rep)}
    assert rows["First response, median in business hours"] == (
        "1.0 h (3 thread(s); 4 answered wholly outside hours left out)"
    )


def test_a_thread_opened_in_hours_and_answered_at_once_is_kept(tmp_path: Path) -> None:
    from socialproof.community.threads import response_times

    ws = make_ws(tmp_path, owner="T", timezone="UTC")
    ws.insert_rows(
        [
            msg("a", "ann", "2026-03-02 10:00:00", inbound=True),  # Monday, in hours
            msg("ra", "@acme", "2026-03-02 10:00:00", "a", inbound=False),
        ]
    )
    o = response_times(ws).overall
    assert o["off_hours"] == 0
    assert o["median_first_response_bh_h"] == pytest.approx(0)


# A team on the desk around the clock (00:00-23:59 every day) in Berlin. On Sunday
# 25 October 2026 clocks go back at 01:00 UTC (03:00 CEST -> 02:00 CET); on Sunday
# 29 March 2026 they go forward at 01:00 UTC (02:00 CET -> 03:00 CEST).
ROUND_THE_CLOCK = {"start": "00:00", "end": "23:59", "weekdays": [0, 1, 2, 3, 4, 5, 6]}


def test_working_time_across_a_clock_change_is_the_time_that_passed(tmp_path: Path) -> None:
    ws = make_ws(tmp_path, timezone="Europe/Berlin", business_hours=ROUND_THE_CLOCK)
    ws.insert_rows([
        # 02:30 CEST, answered 40 min later at 02:10 CET (the repeated hour): the clock
        # reads 20 minutes backwards
        msg("1", "ann", "2026-10-25 00:30"),
        msg("2", "@acme", "2026-10-25 01:10", "1"),
        # 01:00 CEST -> 05:00 CET: 5 hours passed, the clock shows 4
        msg("3", "bob", "2026-10-24 23:00"),
        msg("4", "@acme", "2026-10-25 04:00", "3"),
        # spring: 00:30 CET -> 04:30 CEST: 3 hours passed, the clock shows 4
        msg("5", "cy", "2026-03-28 23:30"),
        msg("6", "@acme", "2026-03-29 02:30", "5"),
    ])  # fmt: skip
    t = run(ws).threads.set_index("thread_key")
    assert t.loc["1", "first_response_bh_s"] == 40 * 60
    assert t.loc["3", "first_response_bh_s"] == 5 * 3600
    assert t.loc["5", "first_response_bh_s"] == 3 * 3600
    for key in ("1", "3", "5"):  # round the clock, working time is the time that passed
        assert t.loc[key, "first_response_bh_s"] == t.loc[key, "first_response_s"]


def test_a_clock_change_outside_working_hours_changes_nothing(tmp_path: Path) -> None:
    """09:00-17:00 Mon-Fri: Friday 23 Oct 16:00 CEST -> Monday 26 Oct 10:00 CET is
    1 h + 1 h of work whatever the clocks did on Sunday night."""
    ws = make_ws(tmp_path, timezone="Europe/Berlin")
    ws.insert_rows([
        msg("1", "ann", "2026-10-23 14:00"),  # Friday 16:00 CEST
        msg("2", "@acme", "2026-10-26 09:00", "1"),  # Monday 10:00 CET
    ])  # fmt: skip
    t = run(ws).threads
    assert t.loc[0, "first_response_bh_s"] == 2 * 3600
    assert t.loc[0, "first_response_s"] == (2 * 24 + 19) * 3600
