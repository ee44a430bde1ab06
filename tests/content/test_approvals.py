"""Approvals: tiers, no self-approval, invalidation on change, the scheduling gate, the log."""

from __future__ import annotations

import json

import pytest

from socialproof.content.approvals import (
    LOG_FILE,
    approval_state,
    approve,
    read_log,
    schedule,
    tiers_for,
    verify_log,
)
from socialproof.content.posts import load_post
from socialproof.errors import BadInput, IntegrityError, UsageError
from socialproof.workspace.settings import ApprovalTier


def _write(ws, name, body="Fresh buns every morning at 7.\n", **front):
    fm = {"platform": "instagram", "author": "Sam", "publish_at": "2026-12-07 09:00 UTC", **front}
    text = "---\n" + "".join(f"{k}: {v}\n" for k, v in fm.items()) + "---\n" + body
    path = ws.root / "content" / name
    path.write_text(text)
    return path


def test_default_tiers_and_regulated_industries(workspace):
    assert [t.name for t in tiers_for(workspace)] == ["review"]
    assert [t.name for t in tiers_for(workspace, "finance")] == ["review", "compliance"]


def test_approve_then_schedule(workspace):
    path = _write(workspace, "a.md")
    entry, state = approve(workspace, path, approver="Dana", role="reviewer")
    assert entry["n"] == 1 and entry["tier"] == "review"
    assert state.approved and state.status == "approved"
    assert "status: approved" in path.read_text()
    schedule(workspace, path, by="Dana")
    assert load_post(path, ws=workspace).status == "scheduled"
    assert [e["decision"] for e in read_log(workspace)] == ["approve", "schedule"]


def test_no_self_approval_and_unknown_role(workspace):
    path = _write(workspace, "a.md")
    with pytest.raises(BadInput, match="self-approval"):
        approve(workspace, path, approver=" sam ", role="reviewer")
    with pytest.raises(BadInput, match="Unknown role 'boss'.*reviewer"):
        approve(workspace, path, approver="Dana", role="boss")
    with pytest.raises(UsageError, match="--reason"):
        approve(workspace, path, approver="Dana", role="reviewer", reject=True)
    assert read_log(workspace) == []


def test_change_after_approval_invalidates_it(workspace):
    path = _write(workspace, "a.md")
    approve(workspace, path, approver="Dana", role="reviewer")
    path.write_text(path.read_text().replace("at 7", "at 8"))
    state = approval_state(workspace, load_post(path, ws=workspace))
    assert not state.approved and state.stale == 1
    with pytest.raises(BadInput, match="needs approval at tier 'review'"):
        schedule(workspace, path, by="Dana")


def test_regulated_post_needs_compliance_and_clean_lint(workspace):
    path = _write(
        workspace, "f.md", body="Guaranteed returns on your coffee fund.\n", industry="finance"
    )
    approve(workspace, path, approver="Dana", role="reviewer")
    state = approval_state(workspace, load_post(path, ws=workspace))
    assert [t.name for t in state.tiers if not t.done] == ["compliance"]
    assert "finance.promissory" in state.lint_errors
    approve(workspace, path, approver="Kim", role="compliance")
    with pytest.raises(BadInput, match="lint errors: finance.promissory"):
        schedule(workspace, path, by="Dana")


def test_waived_lint_errors_do_not_block_and_reason_is_logged(workspace):
    body = "Write to help@acme.example any time.\n"
    path = _write(workspace, "w.md", body=body)
    text = path.read_text().replace(
        "---\nWrite", 'lint:\n  disable:\n    privacy.email: "Our own support address."\n---\nWrite'
    )
    path.write_text(text)
    approve(workspace, path, approver="Dana", role="reviewer")
    state = schedule(workspace, path, by="Dana")
    assert state.waived == {"privacy.email": "Our own support address."}
    assert "Our own support address" in read_log(workspace)[-1]["reason"]


def test_a_refused_schedule_says_only_what_is_left_to_do(workspace):
    path = _write(workspace, "a.md")
    with pytest.raises(BadInput) as err:
        schedule(workspace, path, by="Dana")
    assert err.value.hint == "Get the missing approvals ('socialproof approve')."
    approve(workspace, path, approver="Lee", role="reviewer", reject=True, reason="Typo")
    with pytest.raises(BadInput) as err:
        schedule(workspace, path, by="Dana")
    assert "lint" not in err.value.hint and "whoever rejected it approves" in err.value.hint
    risky = _write(workspace, "f.md", body="Guaranteed returns!\n", industry="finance")
    with pytest.raises(BadInput) as err:
        schedule(workspace, risky, by="Dana")
    assert err.value.hint.startswith("Fix the lint errors")


def test_rejection_blocks_until_the_same_person_approves(workspace):
    path = _write(workspace, "a.md")
    approve(workspace, path, approver="Dana", role="reviewer")
    _, state = approve(workspace, path, approver="Lee", role="editor", reject=True, reason="Typo")
    assert not state.approved and "rejected by Lee" in state.problems[0]
    _, state = approve(workspace, path, approver="Lee", role="editor")
    assert state.approved


def test_all_mode_needs_every_role(workspace):
    workspace.settings.approvals.tiers = [
        ApprovalTier(name="review", roles=["editor", "legal"], mode="all")
    ]
    path = _write(workspace, "a.md")
    _, state = approve(workspace, path, approver="Dana", role="editor")
    assert state.tiers[0].missing_roles == ["legal"]
    _, state = approve(workspace, path, approver="Lou", role="legal")
    assert state.approved


def _fill_log(workspace, n=4):
    path = _write(workspace, "a.md")
    for i in range(n):
        approve(workspace, path, approver=f"Rev{i}", role="reviewer")
    return workspace.root / LOG_FILE


def test_verify_passes_on_an_untouched_log(workspace):
    _fill_log(workspace)
    count, head = verify_log(workspace)
    assert count == 4 and len(head) == 64


@pytest.mark.parametrize(
    ("tamper", "match"),
    [
        ("edit", r"entry 2 was edited"),
        ("delete", r"entry 2 carries number 3"),
        ("reorder", r"entry 2 carries number 3"),
        ("truncate", r"entries 4 to 4 were deleted"),
        ("garble", r"entry 3 \(line 3\) is not a valid entry"),
        ("rechain", r"entry 2 does not follow entry 1"),
    ],
)
def test_verify_detects_tampering_and_says_where(workspace, tamper, match):
    log = _fill_log(workspace)
    lines = log.read_text().splitlines()
    if tamper == "edit":
        e = json.loads(lines[1])
        e["approver"] = "Mallory"
        lines[1] = json.dumps(e, sort_keys=True)
    elif tamper == "delete":
        del lines[1]
    elif tamper == "reorder":
        lines[1], lines[2] = lines[2], lines[1]
    elif tamper == "truncate":
        lines = lines[:3]
    elif tamper == "garble":
        lines[2] = lines[2][:-5]
    elif tamper == "rechain":  # edit and renumber consistently, but the chain still breaks
        e = json.loads(lines[1])
        e["prev"] = "f" * 64
        from socialproof.content.approval_log import _digest

        e["hash"] = _digest(e)
        lines[1] = json.dumps(e, sort_keys=True)
    log.write_text("\n".join(lines) + "\n")
    with pytest.raises(IntegrityError, match=match):
        verify_log(workspace)


def test_a_log_saved_by_an_editor_still_verifies_and_takes_appends(workspace):
    """A text editor drops the last line end, adds a blank line, writes CRLF or a BOM:
    no entry changes, so the log verifies, and the next append starts a line of its own
    (it was glued onto the last entry, which then read as edited)."""
    log = _fill_log(workspace)
    head = verify_log(workspace)
    log.write_bytes(log.read_bytes().rstrip(b"\n"))
    assert verify_log(workspace) == head
    path = _write(workspace, "late.md")
    approve(workspace, path, approver="Dana", role="reviewer")
    assert verify_log(workspace)[0] == 5
    log.write_bytes(b"\xef\xbb\xbf" + log.read_bytes().replace(b"\n", b"\r\n") + b"\r\n")
    assert verify_log(workspace)[0] == 5
    approve(workspace, path, approver="Kim", role="editor")
    assert [e["n"] for e in read_log(workspace)] == [1, 2, 3, 4, 5, 6]
    lines = log.read_bytes().split(b"\n")
    assert lines[-1] == b"" and lines[-2].startswith(b'{"approver": "Kim"')
    # an edit is still caught, and its line named (the blank line counts as a line)
    log.write_bytes(log.read_bytes().replace(b'"Kim"', b'"Kym"'))
    with pytest.raises(IntegrityError, match="entry 6 was edited"):
        verify_log(workspace)
    log.write_bytes(log.read_bytes().replace(b'"Kym"', b'"Kym'))
    with pytest.raises(IntegrityError, match=r"entry 6 \(line 7\) is not a valid entry"):
        verify_log(workspace)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"approver": None}, "entry 5 has no approver: it was not written by socialproof"),
        ({"decision": "approved"}, "entry 5 records the decision 'approved'"),
        ({"role": 3}, "entry 5 has no role"),
    ],
)
def test_an_entry_added_by_hand_with_a_matching_hash_is_refused(workspace, change, match):
    """The chain's hashes can be computed by anyone: an entry written by hand without an
    approver passed verification, then every reader failed on it (KeyError)."""
    from socialproof.content.approval_log import HEAD_FILE, _digest

    log = _fill_log(workspace)
    last = json.loads(log.read_text().splitlines()[-1])
    entry = {**last, "n": 5, "prev": last["hash"], **change}
    entry = {k: v for k, v in entry.items() if v is not None and k != "hash"}
    entry["hash"] = _digest(entry)
    with log.open("a") as fh:
        fh.write(json.dumps(entry) + "\n")
    head = {"entries": 5, "hash": entry["hash"]}
    (workspace.root / HEAD_FILE).write_text(json.dumps(head) + "\n")
    with pytest.raises(IntegrityError, match=match):
        verify_log(workspace)


def test_cli_approve_verify_and_tampered_log(cli, planned):
    root = planned.root
    res = cli(
        "approve",
        "content/2026-12-07-winter-menu.md",
        "--as",
        "Dana",
        "--role",
        "reviewer",
        cwd=root,
    )
    assert res.exit_code == 0, res
    assert "log entry 1" in res.stdout
    res = cli(
        "approve",
        "content/2026-12-07-winter-menu.md",
        "--as",
        "Sam",
        "--role",
        "reviewer",
        cwd=root,
    )
    assert res.exit_code == 1 and "self-approval" in res.stderr
    res = cli(
        "approve", "content/2026-12-07-winter-menu.md", "--as", "Dana", "--role", "ceo", cwd=root
    )
    assert res.exit_code == 1 and "Unknown role 'ceo'" in res.stderr
    res = cli("schedule", "content/2026-12-10-savings-collab.md", "--as", "Dana", cwd=root)
    assert res.exit_code == 1 and "cannot be scheduled" in res.stderr
    res = cli("approvals", "verify", cwd=root)
    assert res.exit_code == 0 and "1 entries" in res.stdout
    res = cli("approvals", "log", "-f", "json", cwd=root)
    assert json.loads(res.stdout)[0]["version"] == "current"
    log = root / LOG_FILE
    log.write_text(log.read_text().replace("Dana", "Dina"))
    res = cli("approvals", "verify", cwd=root)
    assert res.exit_code == 1 and "entry 1 was edited" in res.stderr
    assert "Traceback" not in res.stderr


def test_cli_calendar_outputs(cli, planned, tmp_path):
    root = planned.root
    res = cli(
        "calendar",
        "--start",
        "2026-12-07",
        "--ics",
        str(tmp_path / "p.ics"),
        "--html",
        str(tmp_path / "c.html"),
        cwd=root,
    )
    assert res.exit_code == 0, res
    assert "Clash on Instagram" in res.stderr
    assert "Marked scheduled but not cleared" in res.stderr
    assert (tmp_path / "p.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")
    res = cli("calendar", "--export", "hootsuite", "--start", "2026-12-07", cwd=root)
    assert res.exit_code == 0 and res.stdout == ""  # nothing is cleared yet
    assert "left out" in res.stderr
    res = cli("calendar", "--week", "--month", cwd=root)
    assert res.exit_code == 2


def test_one_unreadable_post_does_not_hide_the_calendar(cli, planned):
    """A post listing two platforms stopped 'calendar' with an error: every other post
    of the content folder went unseen."""
    root = planned.root
    (root / "content" / "zz-both.md").write_text(
        "---\nplatform: [instagram, tiktok]\npublish_at: 2026-12-08 10:00 UTC\n---\nBoth.\n"
    )
    res = cli("calendar", "--start", "2026-12-07", cwd=root)
    assert res.exit_code == 0, res
    assert "Clash on Instagram" in res.stderr  # the readable posts are there
    assert (
        "left out, cannot be read: content/zz-both.md:2: a post has one platform, not "
        "instagram, tiktok. Write one post file per platform" in res.stderr
    )
    assert "Traceback" not in res.stderr


def test_calendar_shows_clearance(cli, planned):
    root = planned.root
    cli(
        "approve",
        "content/2026-12-07-winter-menu.md",
        "--as",
        "Dana",
        "--role",
        "reviewer",
        cwd=root,
    )
    res = cli("calendar", "--start", "2026-12-07", "-f", "json", cwd=root)
    rows = {r["post"]: r for r in json.loads(res.stdout)}
    assert rows["Winter menu launch"]["cleared"] == "ready"
    assert (
        rows["Coffee fund collab with a savings app"]["cleared"]
        == "needs review + compliance, 4 lint errors"
    )
    assert rows["(nothing planned)"]["cleared"] == ""


def test_regulated_floor_adds_compliance_to_configured_tiers(workspace):
    workspace.settings.approvals.tiers = [ApprovalTier(name="editor", roles=["editor"])]
    assert [t.name for t in tiers_for(workspace, "general")] == ["editor"]
    assert [t.name for t in tiers_for(workspace, "health")] == ["editor", "compliance"]
    workspace.settings.approvals.tiers = [
        ApprovalTier(name="editor", roles=["editor"]),
        ApprovalTier(name="counsel", roles=["legal"]),
    ]
    assert [t.name for t in tiers_for(workspace, "legal")] == ["editor", "counsel"]


def _approver(workspace, path, errors, *, role):
    """A thread's target: approve ``path`` under the name given; errors are collected."""

    def worker(who: str) -> None:
        try:
            approve(workspace, path, approver=who, role=role)
        except BaseException as exc:  # pragma: no cover - reported by the test
            errors.append(exc)

    return worker


def test_concurrent_appends_keep_the_chain(workspace):
    import threading

    path = _write(workspace, "a.md")
    errors: list[BaseException] = []

    def worker(who: str) -> None:
        try:
            for i in range(4):
                approve(workspace, path, approver=f"{who}{i}", role="reviewer")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(w,)) for w in ("A", "B")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    count, _ = verify_log(workspace)
    assert count == 8


def test_readers_never_see_an_append_half_done(workspace):
    """A reader racing writers sees the log and its head at the same point, never a
    false 'added or changed outside socialproof' alarm (it used to fail ~1 run in 6)."""
    import threading

    path = _write(workspace, "a.md")
    done = threading.Event()
    errors: list[BaseException] = []
    reads = [0]

    def reader() -> None:
        while not done.is_set():
            try:
                verify_log(workspace)
                reads[0] += 1
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)
                return

    def writer() -> None:
        try:
            for i in range(12):
                approve(workspace, path, approver=f"W{i}", role="reviewer")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    readers = [threading.Thread(target=reader) for _ in range(2)]
    for t in readers:
        t.start()
    writer()
    done.set()
    for t in readers:
        t.join()
    assert not errors
    assert reads[0] > 0
    assert verify_log(workspace)[0] == 12


def test_a_reader_that_meets_an_append_in_flight_waits_for_it(workspace):
    """Readers first read without the log's lock; one that finds a cut line (an append
    in flight, here from 'another process') reads again in turn and sees the whole
    append, never a tamper alarm."""
    import threading

    from socialproof.content import approval_log

    path = _write(workspace, "a.md")
    log, head = workspace.root / approval_log.LOG_FILE, workspace.root / approval_log.HEAD_FILE
    approve(workspace, path, approver="Ana", role="reviewer")
    one_log, one_head = log.read_bytes(), head.read_bytes()
    approve(workspace, path, approver="Ben", role="reviewer")
    two_log, two_head = log.read_bytes(), head.read_bytes()
    log.write_bytes(one_log)
    head.write_bytes(one_head)
    assert verify_log(workspace)[0] == 1

    results: list[object] = []
    with approval_log._log_lock(workspace, exclusive=True):
        log.write_bytes(two_log[: len(one_log) + 20])  # the second entry, cut
        reader = threading.Thread(target=lambda: results.append(_read_or_error(workspace)))
        reader.start()
        reader.join(0.3)
        assert reader.is_alive()  # waiting for the append, not reading the cut line
        log.write_bytes(two_log)
        head.write_bytes(two_head)
    reader.join(10)
    assert results == [2]


def _read_or_error(ws):
    try:
        return verify_log(ws)[0]
    except BaseException as exc:  # reported by the assertion
        return exc


def test_concurrent_approvals_pick_distinct_tiers(workspace):
    """Two people approving at once each take their own tier: the decision and the
    append are one step under the log's lock."""
    import threading

    workspace.settings.approvals.tiers = [
        ApprovalTier(name="review", roles=["compliance"]),
        ApprovalTier(name="compliance", roles=["compliance"]),
    ]
    path = _write(workspace, "a.md")
    errors: list[BaseException] = []
    worker = _approver(workspace, path, errors, role="compliance")
    threads = [threading.Thread(target=worker, args=(w,)) for w in ("Kim", "Lou")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(e["tier"] for e in read_log(workspace)) == ["compliance", "review"]
    assert approval_state(workspace, load_post(path, ws=workspace)).approved


def test_one_person_counts_for_one_tier(workspace):
    workspace.settings.approvals.tiers = [
        ApprovalTier(name="review", roles=["editor", "compliance"]),
        ApprovalTier(name="compliance", roles=["compliance"]),
    ]
    path = _write(workspace, "a.md")
    entry, state = approve(workspace, path, approver="Kim", role="compliance")
    assert entry["tier"] == "review" and not state.approved
    with pytest.raises(BadInput, match="needs another person"):
        approve(workspace, path, approver="Kim", role="compliance")
    entry, state = approve(workspace, path, approver="Lou", role="compliance")
    assert entry["tier"] == "compliance" and state.approved


def test_invisible_characters_do_not_make_another_person(workspace):
    """'Kim' + a zero-width space passed as a second person at the next tier, and an author
    written 'José' composed was not the approver 'José' decomposed."""
    workspace.settings.approvals.tiers = [
        ApprovalTier(name="review", roles=["editor", "compliance"]),
        ApprovalTier(name="compliance", roles=["compliance"]),
    ]
    path = _write(workspace, "a.md")
    approve(workspace, path, approver="Kim", role="compliance")
    for disguised in ("Kim\u200b", "K\u00adim", "\u200eKim", " kim "):
        with pytest.raises(BadInput, match="needs another person"):
            approve(workspace, path, approver=disguised, role="compliance")
    entry, _ = approve(workspace, path, approver="Lou\u200d", role="compliance")
    assert entry["approver"] == "Lou"  # recorded as it reads
    own = _write(workspace, "own.md", author="Jos\u00e9")
    with pytest.raises(BadInput, match="self-approval"):
        approve(workspace, own, approver="Jose\u0301", role="editor")


def test_incremental_verification_still_catches_a_changed_prefix(workspace):
    """Reads remember the verified prefix and check only new lines; an entry changed in that
    prefix afterwards is still named, also when valid lines were appended after it."""
    log = _fill_log(workspace, 3)
    assert verify_log(workspace)[0] == 3  # the prefix of 3 entries is now remembered
    path = workspace.root / "content" / "a.md"
    approve(workspace, path, approver="Rev9", role="reviewer")  # verified incrementally
    assert verify_log(workspace)[0] == 4
    lines = log.read_text().splitlines()
    e = json.loads(lines[0])
    e["approver"] = "Mal0"  # same length as "Rev0": only the bytes differ
    lines[0] = json.dumps(e, sort_keys=True, ensure_ascii=False)
    log.write_text("\n".join(lines) + "\n")
    with pytest.raises(IntegrityError, match=r"entry 1 was edited"):
        verify_log(workspace)
    with pytest.raises(IntegrityError, match=r"entry 1 was edited"):
        approve(workspace, path, approver="Rev10", role="reviewer")
    assert len(log.read_text().splitlines()) == 4  # nothing appended to a broken log


def test_incremental_verification_checks_new_lines_and_the_head(workspace):
    log = _fill_log(workspace, 2)
    verify_log(workspace)
    forged = json.loads(log.read_text().splitlines()[-1])
    forged["n"], forged["prev"], forged["approver"] = 3, forged["hash"], "Mallory"
    from socialproof.content.approval_log import _digest

    forged["hash"] = _digest(forged)
    with log.open("a") as fh:  # a well-formed entry, but the head was not moved
        fh.write(json.dumps(forged, sort_keys=True) + "\n")
    with pytest.raises(IntegrityError, match=r"added or changed outside socialproof"):
        verify_log(workspace)
    with log.open("a") as fh:
        fh.write('{"n": 4, "broken"\n')
    with pytest.raises(IntegrityError, match=r"entry 4 \(line 4\) is not a valid entry"):
        verify_log(workspace)


def test_appends_that_wait_for_the_lock_are_written_together(workspace, monkeypatch):
    """Group commit: approvals that arrive while the log is locked go out in one write and
    one fsync, each decided on the entries before it (distinct numbers, chain intact)."""
    import os
    import threading
    import time

    from socialproof.content import approval_log

    path = _write(workspace, "a.md")
    syncs: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(approval_log.os, "fsync", lambda fd: (syncs.append(fd), real_fsync(fd)))
    errors: list[BaseException] = []
    worker = _approver(workspace, path, errors, role="reviewer")
    threads = [threading.Thread(target=worker, args=(f"P{i}",)) for i in range(5)]
    key = str(workspace.root.resolve())
    with approval_log._log_lock(workspace, exclusive=True):  # another writer holds the log
        for t in threads:
            t.start()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # the first leads (waits for the lock), 4 queue
            group = approval_log._COMMITS.get(key)
            if group is not None and len(group.pending) == 4:
                break
            time.sleep(0.01)
    for t in threads:
        t.join()
    assert not errors
    entries = read_log(workspace)
    assert sorted(e["approver"] for e in entries) == [f"P{i}" for i in range(5)]
    assert [e["n"] for e in entries] == [1, 2, 3, 4, 5]
    assert len(syncs) == 2  # the leader's own append, then the four that queued behind it
    assert verify_log(workspace)[0] == 5


def _approve_in_process(root: str, who: str, count: int) -> None:
    from pathlib import Path

    from socialproof.workspace import Workspace

    ws = Workspace.open(Path(root))
    for i in range(count):
        approve(ws, ws.root / "content" / "a.md", approver=f"{who}{i}", role="reviewer")


def test_appends_from_two_processes_keep_the_chain(workspace):
    """The group commit is per process; between processes the log's file lock keeps turns."""
    import multiprocessing

    _write(workspace, "a.md")
    context = multiprocessing.get_context("spawn")
    procs = [
        context.Process(target=_approve_in_process, args=(str(workspace.root), who, 5))
        for who in ("X", "Y")
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0, 0]
    entries = read_log(workspace)
    assert sorted(e["approver"] for e in entries) == sorted(
        f"{w}{i}" for w in "XY" for i in range(5)
    )
    assert verify_log(workspace)[0] == 10


def test_a_post_outside_the_workspace_is_refused(workspace, tmp_path):
    outside = tmp_path / "elsewhere.md"
    outside.write_text(
        "---\nplatform: instagram\nauthor: Sam\n---\nFresh buns every morning at 7.\n"
    )
    with pytest.raises(BadInput, match="outside the workspace"):
        approve(workspace, outside, approver="Kim", role="reviewer")
    assert read_log(workspace) == []


def test_clearance_of_many_posts_equals_each_posts_state(workspace):
    from socialproof.content.approvals import clearance

    a = _write(workspace, "a.md")
    b = _write(workspace, "b.md", industry="finance")
    c = _write(workspace, "c.md", body="Untouched.\n")
    approve(workspace, a, approver="Dana", role="reviewer")
    approve(workspace, b, approver="Lee", role="editor", reject=True, reason="Typo")
    approve(workspace, a, approver="Lou", role="editor")
    a.write_text(a.read_text() + "Edited.\n")  # Dana's and Lou's approvals now stale
    posts = [load_post(p, ws=workspace) for p in (a, b, c)]
    states = clearance(workspace, posts)
    assert list(states) == [p.source for p in posts]
    for post in posts:
        assert states[post.source] == approval_state(workspace, post)
    assert states[posts[0].source].stale == 2 and not states[posts[0].source].approved
    assert "rejected by Lee" in states[posts[1].source].problems[0]
    assert [t.name for t in states[posts[1].source].tiers] == ["review", "compliance"]
    assert states[posts[2].source].stale == 0 and not states[posts[2].source].approved


def test_a_leader_writes_one_batch_and_hands_the_next_to_a_waiting_request(workspace, monkeypatch):
    """Group commit: the request that led a batch returns once its batch is written; the
    requests that queued meanwhile are written by one of them, not by the first leader
    (which used to go on leading while requests kept coming, its own answer waiting)."""
    import threading
    import time

    from socialproof.content import approval_log

    path = _write(workspace, "a.md")
    writers: list[tuple[str, list[str]]] = []
    real = approval_log._write_batch

    def recording(batch):
        written = real(batch)
        writers.append((threading.current_thread().name, [e["approver"] for e in written]))
        return written

    monkeypatch.setattr(approval_log, "_write_batch", recording)
    errors: list[BaseException] = []
    worker = _approver(workspace, path, errors, role="reviewer")
    first = threading.Thread(target=worker, args=("P0",), name="P0")
    rest = [threading.Thread(target=worker, args=(f"P{i}",), name=f"P{i}") for i in (1, 2, 3)]
    key = str(workspace.root.resolve())
    with approval_log._log_lock(workspace, exclusive=True):  # another writer holds the log
        first.start()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # P0 leads and waits for the lock
            group = approval_log._COMMITS.get(key)
            if group is not None and group.leading:
                break
            time.sleep(0.01)
        for t in rest:
            t.start()
        while time.monotonic() < deadline:  # the other three queue behind it
            if len(approval_log._COMMITS[key].pending) == 3:
                break
            time.sleep(0.01)
    for t in [first, *rest]:
        t.join()
    assert not errors
    assert writers[0] == ("P0", ["P0"])
    assert len(writers) == 2
    leader, names = writers[1]
    assert leader != "P0" and sorted(names) == ["P1", "P2", "P3"]
    assert [e["n"] for e in read_log(workspace)] == [1, 2, 3, 4]
    assert verify_log(workspace)[0] == 4


def test_set_status_leaves_a_post_changed_meanwhile_alone(workspace):
    """The status is written only to the version the decision was about: a body changed
    meanwhile (even a line that reads like a status line) is never overwritten."""
    from socialproof.content.approvals import set_status

    path = _write(workspace, "a.md", body="status: as of today\nFresh buns.\n", status="draft")
    post = load_post(path, ws=workspace)
    edited = path.read_text().replace("status: as of today", "status: sold out")
    path.write_text(edited)
    set_status(post, "approved")
    assert path.read_text() == edited
    path.write_text(edited.replace("status: draft", "status: in-review"))  # status alone
    post = load_post(path, ws=workspace)
    path.write_text(edited)  # someone set it back to draft: only the status line differs
    set_status(post, "approved")
    assert path.read_text() == edited.replace("status: draft", "status: approved")
    assert load_post(path, ws=workspace).status == "approved"


def test_post_file_locks_are_per_file(workspace):
    from socialproof.content.posts import post_file_lock

    a, b = workspace.root / "content" / "a.md", workspace.root / "content" / "b.md"
    assert post_file_lock(a) is post_file_lock(
        workspace.root / "content" / ".." / "content" / "a.md"
    )
    assert post_file_lock(a) is not post_file_lock(b)


def test_a_hand_edit_after_approval_shows_as_needing_re_approval(cli, planned, tmp_path):
    """The file still says 'status: approved' after a hand edit; the status column read
    'approved' in the calendar, 'approvals status' and the iCalendar export while the
    'cleared' column said it needed review."""
    root = planned.root
    post = root / "content" / "2026-12-07-winter-menu.md"
    res = cli("approve", str(post), "--as", "Dana", "--role", "reviewer", cwd=root)
    assert res.exit_code == 0, res
    res = cli("calendar", "--start", "2026-12-07", "-f", "json", cwd=root)
    assert {r["post"]: r for r in json.loads(res.stdout)}["Winter menu launch"][
        "status"
    ] == "approved"
    post.write_text(post.read_text().replace("cardamom", "cinnamon"))  # a hand edit
    assert "status: approved" in post.read_text()

    res = cli("calendar", "--start", "2026-12-07", "-f", "json", cwd=root)
    row = {r["post"]: r for r in json.loads(res.stdout)}["Winter menu launch"]
    assert row["status"] == "needs re-approval (edited since approved)"
    assert row["cleared"] == "needs review"
    res = cli("calendar", "--start", "2026-12-07", "--html", str(tmp_path / "c.html"), cwd=root)
    assert res.exit_code == 0, res
    assert "needs re-approval (edited since approved)" in (tmp_path / "c.html").read_text()
    res = cli("approvals", "status", str(post), "-f", "json", cwd=root)
    (status,) = json.loads(res.stdout)
    assert status["status"] == "needs re-approval (edited since approved)"
    assert status["stale_approvals"] == 1

    res = cli("calendar", "--ics", str(tmp_path / "all.ics"), "--include-uncleared", cwd=root)
    assert res.exit_code == 0, res
    events = (tmp_path / "all.ics").read_text().split("BEGIN:VEVENT")[1:]
    (winter,) = [e for e in events if "cinnamon" in e]
    assert "STATUS:TENTATIVE" in winter and "CONFIRMED" not in winter


def test_a_scheduled_post_edited_since_still_says_scheduled_and_needs_re_approval(planned):
    post_path = planned.root / "content" / "2026-12-07-winter-menu.md"
    approve(planned, post_path, approver="Dana", role="reviewer")
    schedule(planned, post_path, by="Dana")
    state = approval_state(planned, load_post(post_path, ws=planned))
    assert state.shown_status == "scheduled" and state.to_row()["status"] == "scheduled"
    post_path.write_text(post_path.read_text().replace("cardamom", "cinnamon"))
    state = approval_state(planned, load_post(post_path, ws=planned))
    assert state.shown_status == "scheduled, needs re-approval (edited since approved)"
    # a post never approved keeps its own word: nothing went stale
    fresh = _write(planned, "b.md", status="in-review")
    assert approval_state(planned, load_post(fresh, ws=planned)).shown_status == "in-review"


def test_approved_with_no_approval_on_record_says_it_needs_approval(cli, planned, tmp_path):
    """'status: approved' typed by hand (the packaged sample shipped so) read 'approved' in
    the calendar, 'approvals status' and the pages while the log held no approval."""
    root = planned.root
    post = root / "content" / "2026-12-07-winter-menu.md"
    assert "status: in-review" in post.read_text()  # the sample no longer claims it
    post.write_text(post.read_text().replace("status: in-review", "status: approved"))
    res = cli("calendar", "--start", "2026-12-07", "-f", "json", cwd=root)
    row = {r["post"]: r for r in json.loads(res.stdout)}["Winter menu launch"]
    assert row["status"] == "needs approval (marked approved, no approval on record)"
    assert row["cleared"] == "needs review"
    res = cli("approvals", "status", str(post), "-f", "json", cwd=root)
    (status,) = json.loads(res.stdout)
    assert status["status"] == "needs approval (marked approved, no approval on record)"
    res = cli("calendar", "--ics", str(tmp_path / "all.ics"), "--include-uncleared", cwd=root)
    events = (tmp_path / "all.ics").read_text().split("BEGIN:VEVENT")[1:]
    (winter,) = [e for e in events if "Winter menu" in e]
    assert "STATUS:TENTATIVE" in winter
    # the packaged scheduled post without a record says so too
    tasting = root / "content" / "2026-12-12-tasting-event.md"
    state = approval_state(planned, load_post(tasting, ws=planned))
    assert state.shown_status == "scheduled, needs approval (no approval on record)"
    # once approved, the file's word stands
    res = cli("approve", str(post), "--as", "Dana", "--role", "reviewer", cwd=root)
    assert res.exit_code == 0, res
    assert approval_state(planned, load_post(post, ws=planned)).shown_status == "approved"


def test_approved_with_a_tier_open_or_a_rejection_says_so(workspace):
    workspace.settings.approvals.tiers = [
        ApprovalTier(name="review", roles=["editor"]),
        ApprovalTier(name="compliance", roles=["compliance"]),
    ]
    path = _write(workspace, "a.md", status="draft")
    approve(workspace, path, approver="Dana", role="editor")
    path.write_text(path.read_text().replace("status: draft", "status: approved"))
    state = approval_state(workspace, load_post(path, ws=workspace))
    assert state.shown_status == "needs approval (marked approved, tier 'compliance' open)"
    approve(workspace, path, approver="Kim", role="compliance", reject=True, reason="Risk line")
    path.write_text(path.read_text().replace("status: in-review", "status: approved"))
    state = approval_state(workspace, load_post(path, ws=workspace))
    assert state.shown_status == "rejected (marked approved)"


@pytest.mark.parametrize(
    ("disguised", "refusal"),
    [
        ("\u0410nna", "mixes Latin letters with Cyrillic ones"),  # Cyrillic capital A
        ("Ann\u0430", "mixes Latin letters with Cyrillic ones"),  # Cyrillic small a
        ("\u0391nna", "mixes Latin letters with Greek ones"),  # Greek capital alpha
        ("\uff21nna", None),  # fullwidth A: the same person
    ],
)
def test_look_alike_letters_do_not_make_another_person(workspace, disguised, refusal):
    """'Аnna' with a Cyrillic 'А' counted as a second person: Anna filled two tiers, or
    approved her own post."""
    workspace.settings.approvals.tiers = [
        ApprovalTier(name="review", roles=["editor", "compliance"]),
        ApprovalTier(name="compliance", roles=["compliance"]),
    ]
    path = _write(workspace, "a.md")
    approve(workspace, path, approver="Anna", role="compliance")
    with pytest.raises(BadInput, match=refusal or "needs another person"):
        approve(workspace, path, approver=disguised, role="compliance")
    own = _write(workspace, "own.md", author="Anna")
    with pytest.raises(BadInput, match=refusal or "self-approval"):
        approve(workspace, own, approver=disguised, role="editor")
    # an author typed with the look-alike is the same person as 'Anna' approving
    theirs = _write(workspace, "theirs.md", author=disguised)
    with pytest.raises(BadInput, match="self-approval"):
        approve(workspace, theirs, approver="anna", role="editor")
    assert [e["approver"] for e in read_log(workspace)] == ["Anna"]


def test_a_name_mixing_alphabets_is_refused_in_one_line(workspace):
    path = _write(workspace, "a.md")
    refusal = r"mixes Latin letters with Cyrillic ones in one word: 'А' is Cyrillic \(U\+0410\)"
    with pytest.raises(BadInput, match=refusal) as exc:
        approve(workspace, path, approver="\u0410nna Berg", role="reviewer")
    assert "\n" not in str(exc.value)
    assert read_log(workspace) == []


def test_names_in_one_other_alphabet_are_other_people(workspace):
    """Whole names in Cyrillic, Greek or Japanese are people in their own right, and an
    author written in Cyrillic is still refused approving their own post in Cyrillic."""
    workspace.settings.approvals.tiers = [
        ApprovalTier(name="review", roles=["editor", "compliance"]),
        ApprovalTier(name="compliance", roles=["compliance"]),
    ]
    path = _write(workspace, "a.md")
    approve(workspace, path, approver="Anna", role="compliance")
    entry, state = approve(workspace, path, approver="\u0410\u043d\u043d\u0430", role="compliance")
    assert entry["tier"] == "compliance" and state.approved
    own = _write(workspace, "own.md", author="\u30a2\u30f3\u30ca")  # アンナ
    with pytest.raises(BadInput, match="self-approval"):
        approve(workspace, own, approver="\u30a2\u30f3\u30ca", role="editor")
    entry, _ = approve(workspace, own, approver="\u0410\u043d\u043d\u0430", role="editor")
    assert entry["approver"] == "\u0410\u043d\u043d\u0430"


@pytest.mark.parametrize("author", ["Sam, Lee", "Lee & Sam", "Lee and Sam", "Lee; Sam", "Lee/Sam"])
def test_a_co_author_cannot_approve(workspace, author):
    """'author: Sam, Lee' did not match Sam: a co-author approved the post as someone else's."""
    path = _write(workspace, "a.md", author=author)
    for who in ("Sam", "Lee", " sam "):
        with pytest.raises(BadInput, match="self-approval"):
            approve(workspace, path, approver=who, role="reviewer")
    entry, _ = approve(workspace, path, approver="Dana", role="reviewer")
    assert entry["approver"] == "Dana"


def test_one_name_with_a_comma_inside_is_still_its_author(workspace):
    path = _write(workspace, "a.md", author="'Rivera, Sam'")
    with pytest.raises(BadInput, match="self-approval"):
        approve(workspace, path, approver="Rivera, Sam", role="reviewer")


def test_each_part_of_a_name_may_use_its_own_alphabet(workspace):
    """'Anna-Мария' or 'Ольга Smith' are real names: each part is in one alphabet."""
    path = _write(workspace, "a.md")
    entry, _ = approve(
        workspace, path, approver="Anna-\u041c\u0430\u0440\u0438\u044f", role="reviewer"
    )
    assert entry["approver"] == "Anna-\u041c\u0430\u0440\u0438\u044f"
    with pytest.raises(BadInput, match="mixes Latin letters with Cyrillic ones"):
        approve(workspace, _write(workspace, "b.md"), approver="D\u0430na-Lee", role="reviewer")


def test_a_scheduler_name_mixing_alphabets_is_refused(workspace):
    path = _write(workspace, "a.md")
    approve(workspace, path, approver="Dana", role="reviewer")
    with pytest.raises(BadInput, match="mixes Latin letters with Cyrillic ones"):
        schedule(workspace, path, by="D\u0430na")
    assert [e["decision"] for e in read_log(workspace)] == ["approve"]
