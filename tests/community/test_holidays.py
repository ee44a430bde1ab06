"""Public holidays (``business_hours.holidays``) are closed days in business-hours times.

Europe/London, 09:00-17:00 Monday to Friday; Monday 25 May 2026 is a bank holiday.
London is on summer time (UTC+1) all through.

thread  opened (local)        answered (local)       working time, holiday / none set
fri     Fri 22 May 16:00      Tue 26 May 10:00       1 h Fri + 1 h Tue = 2 h / 10 h
hol     Mon 25 May 11:00      Mon 25 May 12:00       none (off hours) / 1 h
"""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from tests.community.test_threads import make_ws, msg

HOLIDAY = "2026-05-25"


def _ws(tmp_path: Path, holidays: list[str]) -> Any:
    ws = make_ws(
        tmp_path,
        timezone="Europe/London",
        business_hours={"holidays": holidays},
        community={"sla_hours": 4},
    )
    ws.insert_rows([
        msg("fri", "ann", "2026-05-22 15:00"),  # 16:00 in London
        msg("r-fri", "@acme", "2026-05-26 09:00", "fri"),  # Tuesday 10:00
        msg("hol", "bob", "2026-05-25 10:00"),  # the holiday, 11:00
        msg("r-hol", "@acme", "2026-05-25 11:00", "hol"),
    ])  # fmt: skip
    return ws


def test_a_friday_question_answered_after_a_monday_holiday(tmp_path: Path) -> None:
    from socialproof.community.threads import response_times

    t = response_times(_ws(tmp_path, [HOLIDAY])).threads.set_index("thread_key")
    assert t.loc["fri", "first_response_bh_s"] == pytest.approx(2 * 3600)
    assert bool(t.loc["fri", "within_sla_bh"])  # 2 working hours against a 4 h SLA
    # answered on the holiday: no working time waited
    assert t.loc["hol", "first_response_bh_s"] == pytest.approx(0)
    assert bool(t.loc["hol", "off_hours"])


def test_without_the_holiday_monday_counts(tmp_path: Path) -> None:
    from socialproof.community.threads import response_times

    t = response_times(_ws(tmp_path, [])).threads.set_index("thread_key")
    assert t.loc["fri", "first_response_bh_s"] == pytest.approx(10 * 3600)
    assert not bool(t.loc["fri", "within_sla_bh"])
    assert t.loc["hol", "first_response_bh_s"] == pytest.approx(3600)


def test_a_holiday_on_a_weekend_changes_nothing() -> None:
    import numpy as np

    from socialproof.community._periods import business_seconds_before
    from socialproof.workspace.settings import BusinessHours

    fri = np.array(["2026-05-22T16:00", "2026-05-26T10:00"], dtype="datetime64[s]")
    plain = np.diff(business_seconds_before(fri, BusinessHours()))[0]
    saturday = BusinessHours(holidays=[date(2026, 5, 23)])
    assert np.diff(business_seconds_before(fri, saturday))[0] == plain == 10 * 3600
    # two closed days in a row (Monday and Tuesday): Friday's hour and Wednesday's
    wed = np.array(["2026-05-22T16:00", "2026-05-27T10:00"], dtype="datetime64[s]")
    two = BusinessHours(holidays=[date(2026, 5, 26), date(2026, 5, 25)])
    assert np.diff(business_seconds_before(wed, two))[0] == 2 * 3600


def test_holidays_in_the_settings_file(tmp_path: Path) -> None:
    from socialproof.workspace.settings import load_settings

    path = tmp_path / "socialproof.toml"
    path.write_text(
        textwrap.dedent("""
        [business_hours]
        holidays = [2026-12-25, "2026-12-28", 2026-12-25]
        """),
        encoding="utf-8",
    )
    got = load_settings(path).business_hours.holidays
    assert got == [date(2026, 12, 25), date(2026, 12, 28)]  # TOML dates or text; sorted, once


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ('["25/12/2026"]', "a date written YYYY-MM-DD"),
        ('["2026-02-30"]', "a date written YYYY-MM-DD"),
        ("[2026-12-25T09:00:00]", "a date without a time"),
        ("[20261225]", "a date written YYYY-MM-DD"),
        ('"2026-12-25"', "a valid list"),
    ],
)
def test_a_bad_holiday_is_a_one_line_error(tmp_path: Path, value: str, words: str) -> None:
    from socialproof.errors import SettingsError
    from socialproof.workspace.settings import load_settings

    path = tmp_path / "socialproof.toml"
    path.write_text(f"[business_hours]\nholidays = {value}\n", encoding="utf-8")
    with pytest.raises(SettingsError) as err:
        load_settings(path)
    assert "business_hours.holidays" in str(err.value) and words in str(err.value)
    assert "\n" not in str(err.value)


def test_holidays_survive_the_settings_file_round_trip(tmp_path: Path) -> None:
    from socialproof.workspace.settings import dump_settings, settings_from_dict

    s = settings_from_dict({"business_hours": {"holidays": ["2026-12-25"]}})
    path = tmp_path / "socialproof.toml"
    path.write_text(dump_settings(s), encoding="utf-8")
    from socialproof.workspace.settings import load_settings

    assert load_settings(path).business_hours.holidays == [date(2026, 12, 25)]
