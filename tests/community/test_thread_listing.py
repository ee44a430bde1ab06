"""Thread lists give the times in the workspace timezone beside the stored UTC ones.

Europe/Berlin: UTC+1 in winter, UTC+2 from Sunday 29 March 2026.

thread  opened (UTC / Berlin)            answered (UTC / Berlin)
w       2 Mar 10:00 / 11:00              2 Mar 10:30 / 11:30
s       30 Mar 22:30 / 31 Mar 00:30      31 Mar 07:00 / 09:00
u       31 Mar 23:15 / 1 Apr 01:15       (waiting)
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from tests.community.test_threads import make_ws, msg

ROWS = [
    msg("w", "ann", "2026-03-02T10:00"),
    msg("rw", "@acme", "2026-03-02T10:30", "w"),
    msg("s", "bob", "2026-03-30T22:30"),
    msg("rs", "@acme", "2026-03-31T07:00", "s"),
    msg("u", "cat", "2026-03-31T23:15"),
]


def _ws(tmp_path: Path) -> Any:
    ws = make_ws(tmp_path, timezone="Europe/Berlin")
    ws.insert_rows(ROWS)
    return ws


def test_threads_csv_has_local_times_and_keeps_utc(cli: Any, tmp_path: Path) -> None:
    ws = _ws(tmp_path)
    r = cli("community", "threads", "--format", "csv", cwd=ws.root)
    assert r.exit_code == 0, r
    rows = {row["thread_key"]: row for row in csv.DictReader(io.StringIO(r.stdout))}
    header = next(csv.reader(io.StringIO(r.stdout)))
    i = header.index("opened_at")
    assert header[i : i + 4] == ["opened_at", "opened_at_local", "answered_at_local", "timezone"]
    got = {
        k: (v["opened_at"], v["opened_at_local"], v["answered_at_local"], v["timezone"])
        for k, v in rows.items()
    }
    assert got["w"][0].startswith("2026-03-02T10:00")  # as before: UTC
    assert got["w"][1:] == ("2026-03-02T11:00:00", "2026-03-02T11:30:00", "Europe/Berlin")
    assert got["s"][1:] == ("2026-03-31T00:30:00", "2026-03-31T09:00:00", "Europe/Berlin")
    assert got["u"][1:] == ("2026-04-01T01:15:00", "", "Europe/Berlin")


def test_unanswered_csv_has_the_local_opening(cli: Any, tmp_path: Path) -> None:
    ws = _ws(tmp_path)
    r = cli("community", "threads", "--unanswered", "--format", "csv", cwd=ws.root)
    assert r.exit_code == 0, r
    (row,) = list(csv.DictReader(io.StringIO(r.stdout)))
    assert row["thread_key"] == "u" and row["opened_at"].startswith("2026-03-31T23:15")
    assert (row["opened_at_local"], row["timezone"]) == ("2026-04-01T01:15:00", "Europe/Berlin")
    assert "answered_at_local" not in row and "waiting_h" in row


def test_web_downloads_have_the_local_times(tmp_path: Path) -> None:
    from tests.web.conftest import make_client

    ws = _ws(tmp_path)
    with make_client(ws) as client:
        r = client.post(
            "/community/report", data={"csrf_token": client.csrf}, follow_redirects=False
        )
        location = r.headers["location"]
        job = client.app_state.jobs.wait(location.rsplit("/", 1)[1])
        assert job.state == "done", job.error
        text = client.get(location + "/threads.csv").text
        rows = {row["thread_key"]: row for row in csv.DictReader(io.StringIO(text))}
        assert rows["s"]["opened_at_local"] == "2026-03-31T00:30:00"
        assert rows["s"]["answered_at_local"] == "2026-03-31T09:00:00"
        assert rows["s"]["timezone"] == "Europe/Berlin"
        text = client.get(location + "/unanswered.csv").text
        (row,) = list(csv.DictReader(io.StringIO(text)))
        assert (row["thread_key"], row["opened_at_local"]) == ("u", "2026-04-01T01:15:00")
