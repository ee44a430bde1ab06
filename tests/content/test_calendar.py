"""Calendar: periods, cadence, gaps, clashes, HTML, iCalendar and bulk-upload CSVs."""

from __future__ import annotations

import csv
import io
from datetime import date
from zoneinfo import ZoneInfo

import pytest

from socialproof.content.calendar import Benchmark, build_calendar, period
from socialproof.content.calendar_report import issue_lines, month_rows, week_rows, write_html
from socialproof.content.exports import buffer_csv, hootsuite_csv
from socialproof.content.ical import to_ical
from socialproof.content.posts import content_files, load_post, parse_post
from socialproof.errors import UsageError

BERLIN = ZoneInfo("Europe/Berlin")


def _posts(ws):
    return [load_post(p, ws=ws) for p in content_files(ws)]


def test_period_week_and_month():
    assert period("week", date(2026, 12, 10)) == (date(2026, 12, 7), date(2026, 12, 14))
    assert period("month", date(2026, 12, 10)) == (date(2026, 12, 1), date(2027, 1, 1))
    with pytest.raises(UsageError):
        period("year", date(2026, 1, 1))


def test_week_view_places_posts_and_shows_empty_days(planned):
    cal = build_calendar(_posts(planned), tz=BERLIN, today=date(2026, 11, 1), benchmarks={})
    assert cal.start == date(2026, 12, 7)
    rows = week_rows(cal)
    assert [r["day"] for r in rows if r["post"] == "(nothing planned)"] == [
        "Fri 11 Dec",
        "Sun 13 Dec",
    ]
    first = rows[0]
    assert (first["time"], first["platform"], first["status"]) == (
        "09:00",
        "Instagram",
        "in-review",
    )
    # the TikTok post was written with +01:00; it shows in Berlin time
    assert any(r["time"] == "17:30" and r["platform"] == "TikTok" for r in rows)


def test_clash_and_gaps(planned):
    cal = build_calendar(_posts(planned), tz=BERLIN, start=date(2026, 12, 7), benchmarks={})
    assert len(cal.clashes) == 1
    clash = cal.clashes[0]
    assert clash["platform"] == "instagram" and clash["minutes_apart"] == 60
    assert {g["platform"] for g in cal.gaps} >= {"facebook", "tiktok"}
    assert any("Clash on Instagram" in line for line in issue_lines(cal))


def test_cadence_against_benchmark(planned):
    bench = {"instagram": Benchmark(4.6, "Rival IQ 2023")}
    cal = build_calendar(_posts(planned), tz=BERLIN, start=date(2026, 12, 7), benchmarks=bench)
    ig = next(r for r in cal.cadence if r["platform"] == "Instagram")
    assert ig["posts"] == 3 and ig["per week"] == 3.0
    assert ig["benchmark per week"] == 4.6 and ig["verdict"] == "below benchmark"
    tt = next(r for r in cal.cadence if r["platform"] == "TikTok")
    assert tt["verdict"] == "no benchmark"


def test_missing_benchmark_file_falls_back_with_a_note(planned, monkeypatch, tmp_path):
    from socialproof.content import calendar as mod

    monkeypatch.setattr(mod, "DATA_DIR", tmp_path)
    cal = build_calendar(_posts(planned), tz=BERLIN, start=date(2026, 12, 7))
    assert any("No posting-frequency benchmarks" in n for n in cal.notes)
    (tmp_path / "benchmarks.yaml").write_text(
        "sources:\n  - source: Rival IQ 2023\n    as_of: 2023-02-01\n    platforms:\n"
        "      instagram: {engagement_rate: 0.0047, posts_per_week: 4.6}\n"
        "      facebook: {posts_per_week: 5.04}\n"
    )
    cal = build_calendar(_posts(planned), tz=BERLIN, start=date(2026, 12, 7))
    fb = next(r for r in cal.cadence if r["platform"] == "Facebook")
    assert fb["benchmark per week"] == 5.04 and fb["source"] == "Rival IQ 2023"


def test_month_view(planned):
    cal = build_calendar(
        _posts(planned), tz=BERLIN, view="month", start=date(2026, 12, 1), benchmarks={}
    )
    rows = month_rows(cal)
    assert rows[0]["week of"] == "30 Nov" and rows[0]["Mon"] == ""
    week2 = rows[1]
    assert week2["Thu"].startswith("10: 09:00 IG") and "10:00 IG" in week2["Thu"]


def test_html_is_escaped_and_accessible(planned, tmp_path):
    posts = _posts(planned)
    posts.append(
        parse_post(
            "---\nplatform: x\ntitle: <script>alert(1)</script>\npublish_at: 2026-12-08 08:00 UTC\n---\nhi\n"
        )
    )
    cal = build_calendar(posts, tz=BERLIN, start=date(2026, 12, 7), benchmarks={})
    html = write_html(cal, tmp_path / "cal.html").read_text()
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert '<html lang="en">' in html and "<caption>" in html and 'scope="col"' in html


def test_ical_round_trip(planned):
    from icalendar import Calendar

    posts = _posts(planned)
    data = to_ical(posts)
    cal = Calendar.from_ical(data)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 6
    assert str(cal["VERSION"]) == "2.0" and "socialproof" in str(cal["PRODID"])
    starts = sorted(e.decoded("DTSTART") for e in events)
    assert starts[0].astimezone(BERLIN).hour == 9 and starts[0].date() == date(2026, 12, 7)
    uids = {str(e["UID"]) for e in events}
    assert len(uids) == 6
    winter = next(e for e in events if "Winter menu" in str(e["SUMMARY"]))
    assert str(winter["STATUS"]) == "TENTATIVE"  # in review
    tasting = next(e for e in events if "tasting event" in str(e["SUMMARY"]))
    assert str(tasting["STATUS"]) == "CONFIRMED"  # its file says scheduled
    assert "spiced oat latte" in str(winter["DESCRIPTION"])


def test_buffer_and_hootsuite_csv_keep_text_exact_and_warn_about_spreadsheets():
    # upload files are read by the scheduling tool, not a spreadsheet: a "'" added for
    # spreadsheet safety would be published as part of the post
    post = parse_post(
        "---\nplatform: x\npublish_at: 2026-12-08 08:03 UTC\npillar: '=HYPERLINK(1)'\n---\n"
        "=cmd|' /C calc'!A0 see https://example.com/x\n"
    )
    text, notes = buffer_csv([post], BERLIN)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Text", "Image URL", "Tags", "Posting Time"]
    assert rows[1][0] == "=cmd|' /C calc'!A0 see https://example.com/x"
    assert rows[1][2] == "=HYPERLINK(1)"
    assert rows[1][3] == "2026-12-08 09:03"
    assert any("spreadsheet" in n for n in notes)
    text, notes = hootsuite_csv([post], BERLIN)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "08/12/2026 09:03" and rows[0][1].startswith("=cmd")
    assert rows[0][2] == "https://example.com/x"
    assert any("multiple of 5" in n for n in notes)
    assert any("spreadsheet" in n for n in notes)


@pytest.mark.parametrize("body", ["@acme is back in stock", "-20% on all mugs", "+1 if you agree"])
def test_upload_csvs_publish_mentions_and_signs_as_written(body):
    post = parse_post(f"---\nplatform: x\npublish_at: 2026-12-18 08:05 UTC\n---\n{body}\n")
    text, notes = buffer_csv([post], BERLIN)
    assert list(csv.reader(io.StringIO(text)))[1][0] == body
    assert notes == []
    text, notes = hootsuite_csv([post], BERLIN)
    assert list(csv.reader(io.StringIO(text)))[0][1] == body
    assert notes == []


def test_upload_csvs_note_a_time_the_clocks_repeat():
    """Buffer and Hootsuite files hold local times without an offset: a post at 02:30 on
    the night the clocks go back could be either of two instants, without a word."""
    second = parse_post("---\nplatform: x\npublish_at: 2026-10-25T02:30+01:00\n---\nLate.\n")
    plain = parse_post("---\nplatform: x\npublish_at: 2026-10-25 09:00 UTC\n---\nLater.\n")
    for make, tool in ((buffer_csv, "Buffer"), (hootsuite_csv, "Hootsuite")):
        _, notes = make([second, plain], BERLIN)
        assert notes == [
            "<text>: 2026-10-25 02:30 happens twice in Europe/Berlin (the clocks go back) and "
            f"the file cannot say which; {tool} may publish it an hour off. Move it out of "
            "that hour."
        ]


def test_upload_csvs_note_posts_for_several_channels():
    """Buffer and Hootsuite publish a file's posts on the one channel it is uploaded to:
    a file with Instagram and LinkedIn posts put the LinkedIn post on Instagram unsaid."""
    from socialproof.content.exports import export

    ig = parse_post("---\nplatform: instagram\npublish_at: 2026-12-18 09:00 UTC\n---\nBuns.\n")
    li = parse_post("---\nplatform: linkedin\npublish_at: 2026-12-18 10:00 UTC\n---\nHiring.\n")
    for kind in ("buffer", "hootsuite"):
        _, notes = export(kind, [ig, li], BERLIN)
        assert notes[0] == (
            "this file holds posts for 2 platforms (Instagram, LinkedIn), and "
            f"{kind.title()} publishes a file's posts on the one channel it is uploaded to: "
            "export one platform at a time."
        )
        assert export(kind, [ig], BERLIN)[1] == []


def test_hootsuite_file_says_its_date_format_when_a_date_could_be_read_either_way():
    """Hootsuite asks for the date format at upload: '08/12/2026' uploaded as MM/DD went
    out on 12 August, without a word from the export."""
    dec8 = parse_post("---\nplatform: x\npublish_at: 2026-12-08 09:00 UTC\n---\nBuns.\n")
    dec18 = parse_post("---\nplatform: x\npublish_at: 2026-12-18 09:00 UTC\n---\nBuns.\n")
    _, notes = hootsuite_csv([dec18, dec8], BERLIN)
    assert notes == [
        "dates are written DD/MM/YYYY: choose that format when uploading, or 08/12/2026 is "
        "read as 12 August instead of 8 December."
    ]
    _, notes = hootsuite_csv([dec8], BERLIN, day_first=False)
    assert notes[0].startswith(
        "dates are written MM/DD/YYYY: choose that format when uploading, or 12/08/2026"
    )
    assert hootsuite_csv([dec18], BERLIN)[1] == []  # 18/12 reads one way only


def test_benchmark_reader_prefers_recent_and_matching_industry(planned, monkeypatch, tmp_path):
    from socialproof.content import calendar as mod

    monkeypatch.setattr(mod, "DATA_DIR", tmp_path)
    (tmp_path / "benchmarks.yaml").write_text(
        "figures:\n"
        "  - {platform: facebook, metric: posts_per_week, value: 5.04, industry: all, source: A, year: 2023}\n"
        "  - {platform: facebook, metric: posts_per_week, value: 4.69, industry: all, source: B, year: 2024, via: summary}\n"
        "  - {platform: facebook, metric: engagement_rate, value: 0.0006, industry: all, source: A, year: 2023}\n"
        "  - {platform: instagram, metric: posts_per_week, value: 9.0, industry: health, source: C, year: 2025}\n"
        "  - {platform: instagram, metric: posts_per_week, value: 4.6, industry: all, source: A, year: 2023}\n"
    )
    found, note = mod.load_cadence_benchmarks("general")
    assert note is None
    assert found["facebook"].per_week == 4.69 and found["facebook"].source == "B (via summaries)"
    assert found["instagram"].per_week == 4.6
    assert mod.load_cadence_benchmarks("health")[0]["instagram"].per_week == 9.0


def _at(when: str, name: str, platform: str = "instagram"):
    text = f"---\nplatform: {platform}\npublish_at: {when} Europe/Berlin\ntitle: {name}\n---\nx\n"
    return parse_post(text, source=f"content/{name}.md")


def test_gaps_and_clashes_across_the_edge_of_the_period():
    """A Sunday-night and a Monday-morning post never clashed (each week saw one), and a
    gap was measured from the start of the week instead of from the last post before it."""
    posts = [
        _at("2026-12-06 23:30", "sunday"),  # the week before
        _at("2026-12-07 00:30", "monday"),
        _at("2026-12-10 12:00", "thursday"),
        _at("2026-12-15 12:00", "next-tuesday"),  # the week after
    ]
    week = build_calendar(posts, tz=BERLIN, start=date(2026, 12, 7), benchmarks={}, gap_days=3)
    assert [(c["first"], c["second"]) for c in week.clashes] == [("sunday", "monday")]
    assert [(g["from"], g["to"], g["days"]) for g in week.gaps] == [
        ("Mon 7 Dec 00:30", "Thu 10 Dec 12:00", 3.5),
        ("Thu 10 Dec 12:00", "Tue 15 Dec 12:00", 5.0),  # not cut at Monday 00:00 (3.5)
    ]
    before = build_calendar(posts, tz=BERLIN, start=date(2026, 11, 30), benchmarks={})
    assert [(c["first"], c["second"]) for c in before.clashes] == [("sunday", "monday")]
    # a platform with nothing before the period still counts from its start
    alone = build_calendar(
        [_at("2026-12-11 09:00", "friday")],
        tz=BERLIN,
        start=date(2026, 12, 7),
        benchmarks={},
        gap_days=3,
    )
    assert [g["from"] for g in alone.gaps] == ["Mon 7 Dec 00:00"]


def test_a_wall_time_the_clocks_repeat_names_its_zone():
    """When the clocks go back, 01:30 EDT and 01:20 EST (50 minutes later) both read as
    plain times: the later post looked like the earlier one, in the rows, the month cells,
    the clash and the gap lines."""
    ny = ZoneInfo("America/New_York")
    posts = [
        parse_post(f"---\nplatform: x\ntitle: {t}\npublish_at: {when}\n---\nhi\n")
        for t, when in (
            ("first", "2026-11-01T01:30-04:00"),
            ("second", "2026-11-01T01:20-05:00"),
            ("noon", "2026-11-01 12:00 America/New_York"),
        )
    ]
    cal = build_calendar(posts, tz=ny, start=date(2026, 11, 1), benchmarks={})
    rows = [r for r in week_rows(cal) if r["post"] != "(nothing planned)"]
    assert [(r["post"], r["time"]) for r in rows] == [
        ("first", "01:30 EDT"),
        ("second", "01:20 EST"),
        ("noon", "12:00"),
    ]
    month = month_rows(
        build_calendar(posts, tz=ny, start=date(2026, 11, 1), view="month", benchmarks={})
    )
    assert "1: 01:30 EDT X first; 01:20 EST X second; 12:00 X noon" in month[0].values()
    (clash,) = cal.clashes
    assert clash["at"] == "Sun 1 Nov 01:30 EDT" and clash["minutes_apart"] == 50


def test_clashes_and_gaps_count_the_time_that_passes_when_the_clocks_change():
    """Two times in one zone were subtracted by their wall clocks: on the spring night in
    Berlin 01:30 CET and 03:45 CEST (00:30 and 01:45 UTC, 75 minutes) read 135 minutes
    apart, no clash; on the autumn night 01:45 CEST and 03:30 CET (23:45 and 02:30 UTC,
    165 minutes) read 105 apart, a clash."""
    spring = build_calendar(
        [_at("2026-03-29 01:30", "a"), _at("2026-03-29 03:45", "b")],
        tz=BERLIN,
        start=date(2026, 3, 23),
        benchmarks={},
    )
    assert [(c["first"], c["minutes_apart"]) for c in spring.clashes] == [("a", 75)]
    autumn = build_calendar(
        [_at("2026-10-25 01:45", "c"), _at("2026-10-25 03:30", "d")],
        tz=BERLIN,
        start=date(2026, 10, 19),
        benchmarks={},
    )
    assert autumn.clashes == []
    # Sat 28 Mar 12:00 CET to Sun 29 Mar 12:00 CEST is 23 hours (0.958 days), not a day:
    # under a threshold of 0.97 days, no gap (the wall clocks said 1.0)
    gap = build_calendar(
        [_at("2026-03-28 12:00", "sat"), _at("2026-03-29 12:00", "sun")],
        tz=BERLIN,
        start=date(2026, 3, 23),
        benchmarks={},
        gap_days=0.97,
    )
    assert not [g for g in gap.gaps if g["from"] == "Sat 28 Mar 12:00"]
