"""The export gate and rescheduling live in the content package, so every face gets them."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest

from socialproof.content.approvals import approval_state, approve
from socialproof.content.calendar import cleared_posts, export_posts, reschedule
from socialproof.content.posts import load_post
from socialproof.errors import BadInput, UsageError


def _write(ws: Any, name: str, when: str = "2026-12-07 09:00 Europe/Berlin", **front: str) -> Any:
    fm = {"platform": "instagram", "author": "Sam", "publish_at": when, **front}
    text = "---\n" + "".join(f"{k}: {v}\n" for k, v in fm.items()) + "---\nFresh buns at 7.\n"
    path = ws.root / "content" / name
    path.write_text(text, encoding="utf-8")
    return path


def _posts(ws: Any, *paths: Any) -> list[Any]:
    return [load_post(p, ws=ws) for p in paths]


def test_only_cleared_posts_are_exported(workspace: Any) -> None:
    a = _write(workspace, "a.md")
    b = _write(workspace, "b.md", when="2026-12-08 10:00 Europe/Berlin")
    approve(workspace, a, approver="Dana", role="reviewer")
    for kind in ("buffer", "hootsuite", "ical"):
        result = export_posts(workspace, kind, _posts(workspace, a, b))
        assert [p.path.name for p in result.posts] == ["a.md"]
        assert list(result.left_out) == [str(b)]
        assert "needs approval at tier 'review'" in result.left_out[str(b)][0]
    ical = export_posts(workspace, "ical", _posts(workspace, a, b)).data
    assert isinstance(ical, bytes) and ical.count(b"BEGIN:VEVENT") == 1
    buffer = export_posts(workspace, "buffer", _posts(workspace, a, b)).data
    assert isinstance(buffer, str)
    assert buffer.splitlines()[1:] == ["Fresh buns at 7.,,,2026-12-07 08:00"]  # UTC workspace


def test_include_uncleared_lets_every_planned_post_through(workspace: Any) -> None:
    a = _write(workspace, "a.md")
    b = _write(workspace, "b.md")
    chosen, left_out = cleared_posts(workspace, _posts(workspace, a, b), include_uncleared=True)
    assert [p.path.name for p in chosen] == ["a.md", "b.md"] and left_out == {}
    result = export_posts(workspace, "ical", _posts(workspace, a, b), include_uncleared=True)
    assert isinstance(result.data, bytes) and result.data.count(b"BEGIN:VEVENT") == 2


def test_a_post_with_lint_errors_is_not_cleared_even_when_approved(workspace: Any) -> None:
    long_text = "x" * 2300  # over Instagram's 2,200-character caption limit
    path = workspace.root / "content" / "long.md"
    path.write_text(
        "---\nplatform: instagram\nauthor: Sam\npublish_at: 2026-12-07 09:00 UTC\n---\n"
        + long_text
        + "\n",
        encoding="utf-8",
    )
    approve(workspace, path, approver="Dana", role="reviewer")
    chosen, left_out = cleared_posts(workspace, _posts(workspace, path))
    assert chosen == []
    assert "lint error" in "; ".join(left_out[str(path)])


def test_unknown_export_kind_is_a_usage_error(workspace: Any) -> None:
    with pytest.raises(UsageError, match="Unknown export 'pdf'"):
        export_posts(workspace, "pdf", [])


def test_cli_export_uses_the_same_gate(cli: Any, workspace: Any, tmp_path: Any) -> None:
    a = _write(workspace, "a.md")
    _write(workspace, "b.md", when="2026-12-08 10:00 Europe/Berlin")
    approve(workspace, a, approver="Dana", role="reviewer")
    res = cli("calendar", "--start", "2026-12-07", "--export", "buffer", cwd=workspace.root)
    assert res.exit_code == 0, res
    assert res.stdout.count("Fresh buns") == 1
    assert "left out content/b.md: needs approval" in res.stderr
    out = tmp_path / "plan.ics"
    res = cli("calendar", "--start", "2026-12-07", "--ics", str(out), cwd=workspace.root)
    assert res.exit_code == 0, res
    assert out.read_bytes().count(b"BEGIN:VEVENT") == 1
    assert "every cleared planned post" in res.stderr


def test_reschedule_keeps_time_and_zone_and_needs_new_approval(workspace: Any) -> None:
    path = _write(workspace, "a.md", title="Launch")
    _, state = approve(workspace, path, approver="Dana", role="reviewer")
    assert state.status == "approved"
    moved = reschedule(workspace, path, date(2026, 12, 9))
    text = path.read_text(encoding="utf-8")
    assert "publish_at: 2026-12-09 09:00 Europe/Berlin\n" in text
    assert "title: Launch\n" in text and text.endswith("Fresh buns at 7.\n")
    assert moved.status == "in-review" and "status: in-review" in text
    assert not approval_state(workspace, load_post(path, ws=workspace)).approved


def test_reschedule_with_a_fixed_offset_and_a_new_time(workspace: Any) -> None:
    path = _write(workspace, "a.md", when="2026-12-08T17:30:00+01:00")
    reschedule(workspace, path, date(2026, 12, 10), time(8, 15))
    assert "publish_at: 2026-12-10T08:15:00+01:00\n" in path.read_text(encoding="utf-8")


def test_reschedule_refuses_files_outside_content(workspace: Any, tmp_path: Any) -> None:
    outside = tmp_path / "elsewhere.md"
    outside.write_text("---\nplatform: instagram\n---\nHi\n", encoding="utf-8")
    before = outside.read_text(encoding="utf-8")
    with pytest.raises(BadInput, match="outside the workspace"):
        reschedule(workspace, outside, date(2026, 12, 10))
    with pytest.raises(BadInput, match="not a post"):
        reschedule(workspace, workspace.root / "socialproof.toml", date(2026, 12, 10))
    assert outside.read_text(encoding="utf-8") == before


def test_ical_uids_do_not_depend_on_the_folder_the_export_runs_from(
    workspace: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A calendar updates an event it already holds when the UID is the same; a UID that
    # changed with the current folder added every post a second time on re-import.
    from pathlib import Path

    from icalendar import Calendar

    _write(workspace, "a.md")
    uids = []
    for cwd, path in (
        (workspace.root, Path("content/a.md")),
        (workspace.root / "content", Path("a.md")),
        (workspace.root.parent, workspace.root / "content" / "a.md"),
    ):
        monkeypatch.chdir(cwd)
        result = export_posts(workspace, "ical", _posts(workspace, path), include_uncleared=True)
        assert isinstance(result.data, bytes)
        events = list(Calendar.from_ical(result.data).walk("VEVENT"))
        uids.append(str(events[0]["UID"]))
    assert len(set(uids)) == 1


def test_an_upload_file_says_which_posts_are_set_in_the_past(workspace: Any) -> None:
    """A bulk-upload file with a past time: Hootsuite refuses it, Buffer posts at once."""
    old = _write(workspace, "old.md", when="2020-01-06 09:00 UTC")
    later = _write(workspace, "later.md", when="2999-01-06 09:00 UTC")
    posts = _posts(workspace, old, later)
    for kind in ("buffer", "hootsuite"):
        notes = export_posts(workspace, kind, posts, include_uncleared=True).notes
        past = [n for n in notes if "set in the past" in n]
        assert len(past) == 1 and str(old) in past[0] and str(later) not in past[0]
    ical = export_posts(workspace, "ical", posts, include_uncleared=True).notes
    assert not any("past" in n for n in ical)  # a calendar may show what happened


def test_a_fixed_offset_post_moved_across_a_clock_change_keeps_its_wall_time(
    workspace: Any,
) -> None:
    """A post written '17:30+01:00' (Berlin in winter) moved to a summer day kept +01:00:
    the calendar then showed it at 18:30, and it went out an hour off."""
    workspace.settings.timezone = "Europe/Berlin"
    path = _write(workspace, "a.md", when="2026-03-20T17:30:00+01:00")
    moved = reschedule(workspace, path, date(2026, 4, 2))
    assert "publish_at: 2026-04-02T17:30:00+02:00\n" in path.read_text(encoding="utf-8")
    assert moved.publish_at is not None
    assert moved.publish_at.astimezone(workspace.settings.tz).strftime("%H:%M") == "17:30"
    # an offset that is not the workspace's own is kept as written
    other = _write(workspace, "b.md", when="2026-03-20T17:30:00-05:00")
    reschedule(workspace, other, date(2026, 4, 2))
    assert "publish_at: 2026-04-02T17:30:00-05:00\n" in other.read_text(encoding="utf-8")
