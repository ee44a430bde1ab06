"""``socialproof community ...`` end to end through the real entry point."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from tests.community.test_response_times import FIXTURE, load_twcs
from tests.community.test_threads import msg


@pytest.fixture
def twcs(workspace: Any, insert: Any, data_dir: Any) -> Any:
    insert("messages", load_twcs(data_dir / FIXTURE))
    return workspace


def test_report_on_empty_workspace_says_what_to_import(cli: Any, workspace: Any) -> None:
    r = cli("community", "report", cwd=workspace.root)
    assert r.exit_code == 1
    assert r.stderr.startswith("Error: The workspace has no messages yet.")
    assert "socialproof import" in r.stderr
    assert "Traceback" not in r.stderr


def test_report_table_json_and_html(cli: Any, twcs: Any, tmp_path: Any) -> None:
    out = tmp_path / "community.html"
    r = cli("community", "report", "--no-text", "--html", str(out), cwd=twcs.root)
    assert r.exit_code == 0, r
    assert "Customer threads" in r.stdout and "27" in r.stdout
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    r = cli("community", "report", "--no-text", "--format", "json", "--sla-hours", "1",
            cwd=twcs.root)  # fmt: skip
    assert r.exit_code == 0, r
    data = json.loads(r.stdout)
    assert data["response"]["overall"]["within_sla_rate"] == pytest.approx(12 / 27)


@pytest.mark.parametrize(
    "args",
    [
        ("--since", "2026-13-01"),
        ("--since", "2026-03-05", "--until", "2026-03-01"),
        ("--format", "csv"),
        ("--period", "fortnight"),
        ("--sla-hours", "0"),
        ("--k", "one"),
    ],
)
def test_report_bad_options_are_one_line_usage_errors(
    cli: Any, twcs: Any, args: tuple[str, ...]
) -> None:
    r = cli("community", "report", "--no-text", *args, cwd=twcs.root)
    assert r.exit_code == 2, r
    assert r.stderr.startswith("Error: ")
    assert len(r.stderr.strip().splitlines()) == 1


def test_threads_unanswered_csv(cli: Any, twcs: Any) -> None:
    r = cli("community", "threads", "--unanswered", "--format", "csv", cwd=twcs.root)
    assert r.exit_code == 0, r
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [row["thread_key"] for row in rows] == ["119237"]


def test_threads_all_as_jsonl(cli: Any, twcs: Any) -> None:
    r = cli("community", "threads", "--format", "jsonl", "--platform", "x", cwd=twcs.root)
    assert r.exit_code == 0, r
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert len(lines) == 27
    by_key = {x["thread_key"]: x for x in lines}
    assert by_key["119239"]["first_response_s"] == 1540


def test_threads_csv_is_formula_safe(cli: Any, workspace: Any, insert: Any) -> None:
    insert("messages", [msg("1", '=HYPERLINK("http://evil")', "2026-03-02 10:00")])
    r = cli("community", "threads", "--unanswered", "--format", "csv", cwd=workspace.root)
    assert r.exit_code == 0, r
    assert "'=HYPERLINK" in r.stdout


def test_queue_without_flags(cli: Any, workspace: Any, insert: Any, monkeypatch: Any) -> None:
    from socialproof.community import scoring

    monkeypatch.setattr(scoring, "load_models", lambda ws=None: scoring.Models(notes=["no models"]))
    insert("messages", [msg("1", "ann", "2026-03-02 10:00", text="hello")])
    r = cli("community", "queue", cwd=workspace.root)
    assert r.exit_code == 0, r
    assert "Nothing flagged" in r.stderr


def test_themes_bad_k(cli: Any, twcs: Any) -> None:
    r = cli("community", "themes", "--k", "1", cwd=twcs.root)
    assert r.exit_code == 2
    assert "at least 2" in r.stderr


def test_brand_handle_never_seen_is_said(cli: Any, twcs: Any) -> None:
    r = cli("community", "report", "--no-text", cwd=twcs.root)
    assert "@acme" in r.stderr and "never seen" in r.stderr


def test_report_on_an_empty_range_says_so(cli: Any, twcs: Any, tmp_path: Any) -> None:
    out = tmp_path / "empty.html"
    r = cli("community", "report", "--since", "2030-01-01", "--html", str(out), cwd=twcs.root)
    assert r.exit_code == 0, r
    assert "No customer threads were opened in this range" in r.stderr
    assert out.exists()


def test_report_on_an_unknown_platform_lists_the_known_ones(cli: Any, twcs: Any) -> None:
    r = cli("community", "report", "--platform", "myspace", cwd=twcs.root)
    assert r.exit_code == 1
    assert "no messages on platform 'myspace'" in r.stderr and "x." in r.stderr


def test_html_into_a_missing_folder_is_a_usage_error(cli: Any, twcs: Any, tmp_path: Any) -> None:
    r = cli("community", "report", "--no-text", "--html", str(tmp_path / "nope" / "r.html"),
            cwd=twcs.root)  # fmt: skip
    assert r.exit_code == 2
    assert "does not exist" in r.stderr


# An inbox export as a care desk sends it: re-saved by Excel in a day-first locale (no day
# above 12), the date and the time in two columns, the brand's replies marked Outbound
# (no brand handle set), one reply stamped a minute before the question it answers.
# Berlin, CET (+1) all along; business hours 09:00-17:00 Monday-Friday.
INBOX_WEEK = """message_id,author,direction,date,time,text,parent_message_id
a1,Ann,Inbound,05/03/2026,16:00,where is my parcel,
a2,Acme Care,Outbound,06/03/2026,09:30,on its way,a1
b1,Ben,Inbound,07/03/2026,10:00,saturday question,
b2,Acme Care,Outbound,09/03/2026,10:00,monday answer,b1
c1,Cy,Inbound,09/03/2026,11:00,refund?,
c2,Acme Care,Outbound,09/03/2026,10:59,here you go,c1
d1,Dee,Inbound,10/03/2026,12:00,hello?,
e1,Acme Care,Outbound,10/03/2026,08:00,new sale on,
"""
# the next export: Ann writes again in her thread, and is answered the next morning
INBOX_NEXT = """message_id,author,direction,date,time,text,parent_message_id
a3,Ann,Inbound,11/03/2026,16:50,still not here,a2
a4,Acme Care,Outbound,12/03/2026,09:10,refunded,a3
"""


def test_an_inbox_export_reports_the_hand_worked_numbers(cli: Any, tmp_path: Any) -> None:
    """Threads (opened -> first brand reply; last brand reply):
    a  Thu 5 Mar 16:00 -> Fri 6 Mar 09:30 = 17.5 h; business 16-17 + 9-9:30 = 1.5 h;
       resolved by a4 on Thu 12 Mar 09:10: 6 d 17 h 10 min = 580,200 s
    b  Sat 7 Mar 10:00 -> Mon 9 Mar 10:00 = 48 h; business 09-10 Monday = 1 h
    c  Mon 9 Mar 11:00, answered by c2 stamped 10:59 (taken as 11:00): 0 s
    d  Tue 10 Mar 12:00, unanswered;  e1: the brand alone (no customer)
    Within 24 h: a, c = 2 of 4; within 24 business hours: a, b, c = 3 of 4.
    First responses 0, 63,000, 172,800 s: median 17.5 h; business 0, 3,600, 5,400 s:
    median 1 h; resolutions 0, 172,800, 580,200 s: median 48 h."""
    ws = tmp_path / "desk"
    assert cli("init", str(ws), "--timezone", "Europe/Berlin").exit_code == 0
    (tmp_path / "week.csv").write_text(INBOX_WEEK, encoding="utf-8")
    (tmp_path / "next.csv").write_text(INBOX_NEXT, encoding="utf-8")
    for name in ("week.csv", "next.csv", "week.csv"):  # the first one twice
        r = cli("import", str(tmp_path / name), cwd=ws)
        assert r.exit_code == 0, r
    assert "imported before" in r.stderr
    r = cli("community", "report", "--no-text", "--format", "json", cwd=ws)
    assert r.exit_code == 0, r
    data = json.loads(r.stdout)
    o = data["response"]["overall"]
    assert (o["threads"], o["answered"], o["unanswered"], o["resolved"]) == (4, 3, 1, 3)
    assert o["within_sla_rate"] == 0.5
    assert o["within_sla_bh_rate"] == 0.75
    assert o["median_first_response_h"] == pytest.approx(17.5)
    assert o["median_first_response_bh_h"] == pytest.approx(1.0)
    assert o["median_resolution_h"] == pytest.approx(48.0)
    assert [u["opener"] for u in data["response"]["unanswered"]] == ["Dee"]
    notes = data["notes"]
    assert any(n.startswith("1 thread(s) have only brand messages") for n in notes)
    assert any(n.startswith("1 message(s) are timestamped before") for n in notes)

    r = cli("community", "report", "--no-text", "--format", "json", "--since", "2026-03-07",
            cwd=ws)  # fmt: skip
    data = json.loads(r.stdout)
    o = data["response"]["overall"]
    assert (o["threads"], o["answered"], o["unanswered"]) == (3, 2, 1)  # b, c, d
    assert o["median_first_response_h"] == pytest.approx(24.0)  # 0 and 48 h
    assert any(n.startswith("1 thread(s) have only brand messages") for n in data["notes"])
    r = cli("community", "report", "--no-text", "--format", "json", "--until", "2026-03-06",
            cwd=ws)  # fmt: skip
    data = json.loads(r.stdout)
    assert data["response"]["overall"]["threads"] == 1  # a
    assert not any("only brand messages" in n or "timestamped before" in n for n in data["notes"])


def test_threads_waiting_lists_those_waiting_again(cli: Any, workspace: Any, insert: Any) -> None:
    from tests.community.test_inbox import AGAIN

    insert("messages", AGAIN)
    r = cli("community", "threads", "--waiting", "--format", "csv", cwd=workspace.root)
    assert r.exit_code == 0, r
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    got = [(x["thread_key"], x["state"], x["waiting_since"], x["waiting_text"]) for x in rows]
    assert got == [
        ("10", "unanswered", "2026-03-02T08:00:00", "app crashes"),
        ("1", "waiting again", "2026-03-02T12:00:00", "still nothing"),
    ]
    assert [x["waiting_h"] for x in rows] == ["6.0", "2.0"]
    both = cli("community", "threads", "--waiting", "--unanswered", cwd=workspace.root)
    assert both.exit_code == 2 and "cannot be used together" in both.stderr, both
