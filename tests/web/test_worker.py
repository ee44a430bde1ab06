"""Imports through the web run in a child process: same result as the CLI, progress, failures.

The functions the child runs are module-level here so the child (started with
``spawn``) can import them by name.
"""

from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest

SMALL = Path(__file__).resolve().parents[1] / "data" / "web" / "instagram_posts_small.csv"


# -- run in the child --------------------------------------------------------------------------
def child_steps(ws: Any, n: int, *, progress: Any) -> tuple[int, int]:
    """Report ``n`` steps, read the database once; (pid, migrations seen)."""
    for i in range(n):
        progress(i, n, f"step {i}")
    progress(n, n, "reading")
    with ws.connect(read_only=True) as con:
        applied = con.execute("SELECT count(*) FROM schema_migrations").fetchone()[0]
    progress(n, n, "read")
    return os.getpid(), int(applied)


def child_refuses(ws: Any, *, progress: Any) -> None:
    from socialproof.errors import BadExport

    raise BadExport("That file is not an export.", hint="Choose another.")


def child_dies(ws: Any, paths: list[Path], **_kw: Any) -> None:
    """Write inside a transaction, then die before it commits (as an out-of-memory kill)."""
    with ws.transaction() as con:
        con.execute("CREATE TABLE half_written (x INTEGER)")
        con.execute("INSERT INTO half_written VALUES (1)")
        os._exit(7)


def child_writes_then_waits(ws: Any, *, progress: Any) -> None:
    """Write inside a transaction, say so, then take long (a huge file being read)."""
    with ws.transaction() as con:
        con.execute("CREATE TABLE stopped_midway (x INTEGER)")
        con.execute("INSERT INTO stopped_midway VALUES (1)")
        progress(1, 2, "written, not committed")
        time.sleep(600)


# -- helpers -------------------------------------------------------------------------------
def _posts(ws: Any) -> int:
    with ws.connect(read_only=True) as con:
        tables = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
        if "posts" not in tables:
            return 0
        return int(con.execute("SELECT count(*) FROM posts").fetchone()[0])


def _upload(client: Any, files: list[tuple[str, bytes]]) -> tuple[Any, str]:
    r = client.post(
        "/import",
        data={"csrf_token": client.csrf},
        files=[("files", (name, body, "text/csv")) for name, body in files],
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    job_id = r.headers["location"].rsplit("/", 1)[1]
    job = client.app_state.jobs.wait(job_id, timeout=180)
    assert not job.running
    return job, re.sub(r"\s+", " ", client.get(r.headers["location"]).text)


# -- tests ---------------------------------------------------------------------------------
def test_work_runs_in_another_process_and_reports_progress(workspace: Any) -> None:
    from socialproof.web.gate import GatedWorkspace
    from socialproof.web.worker import run_in_child

    ws = GatedWorkspace(workspace)
    seen: list[tuple[int, int, str]] = []
    pid, applied = run_in_child(
        child_steps, ws, ws.gate, 3, progress=lambda d, t, m: seen.append((d, t, m))
    )
    assert pid != os.getpid()
    assert applied >= 1
    assert seen == [
        (0, 3, "step 0"),
        (1, 3, "step 1"),
        (2, 3, "step 2"),
        (3, 3, "reading"),
        (3, 3, "read"),
    ]


def test_child_connections_wait_for_the_servers_writer(workspace: Any) -> None:
    from socialproof.web.gate import GatedWorkspace
    from socialproof.web.worker import run_in_child

    ws = GatedWorkspace(workspace)
    seen: list[str] = []
    asking = threading.Event()
    result: list[Any] = []

    def progress(_d: int, _t: int, what: str) -> None:
        seen.append(what)
        if what == "reading":
            asking.set()

    with ws.gate.writing():  # a page's write holds the database
        worker = threading.Thread(
            target=lambda: result.append(
                run_in_child(child_steps, ws, ws.gate, 1, progress=progress)
            )
        )
        worker.start()
        assert asking.wait(120)
        time.sleep(0.3)
        assert "read" not in seen  # the child did not open the database meanwhile
    worker.join(120)
    assert seen[-1] == "read" and result and result[0][1] >= 1


def test_child_error_is_the_same_error_here(workspace: Any) -> None:
    from socialproof.errors import BadExport
    from socialproof.web.gate import GatedWorkspace
    from socialproof.web.worker import run_in_child

    ws = GatedWorkspace(workspace)
    with pytest.raises(BadExport, match="not an export. Choose another"):
        run_in_child(child_refuses, ws, ws.gate, progress=lambda *a: None)


def test_web_import_equals_cli_import(client: Any, workspace: Any, tmp_path: Path) -> None:
    from socialproof.ingest.importer import import_paths
    from socialproof.workspace import Workspace

    job, page = _upload(client, [(SMALL.name, SMALL.read_bytes())])
    assert job.state == "done", job.error
    assert job.done == job.total == 1  # the child's last progress report reached the job
    other = Workspace.init(tmp_path / "cli", settings=workspace.settings)
    cli = import_paths(other, [SMALL])
    web = job.result
    assert web[0].path == SMALL.name  # the upload as the person named it
    assert [{**s.as_row(), "file": ""} for s in web] == [{**s.as_row(), "file": ""} for s in cli]
    assert web[0].inserted == 8 and "9 rows read, 8 new" in page

    def rows(ws: Any) -> list[tuple[Any, ...]]:
        with ws.connect(read_only=True) as con:
            return sorted(
                con.execute("SELECT * EXCLUDE (import_id) FROM posts").fetchall(), key=repr
            )

    assert rows(workspace) == rows(other)
    # the same file again: nothing added, as on the command line
    again, page = _upload(client, [(SMALL.name, SMALL.read_bytes())])
    assert again.result[0].status == "already imported" and _posts(workspace) == 8


def test_a_dying_worker_changes_nothing_and_says_so(
    client: Any, workspace: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _upload(client, [(SMALL.name, SMALL.read_bytes())])
    monkeypatch.setattr("socialproof.ingest.importer.import_paths", child_dies)
    job, page = _upload(client, [("other.csv", b"a,b\n1,2\n")])
    assert job.state == "failed"
    assert "worker process ended with code 7 before it finished; nothing was written" in page
    assert "Traceback" not in page
    with workspace.connect(read_only=True) as con:
        tables = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
    assert "half_written" not in tables and _posts(workspace) == 8
    assert client.get("/import").status_code == 200  # the database is free again
    monkeypatch.undo()
    more = SMALL.read_bytes() + b"\n"  # another file (another sha256), the same rows
    job, _ = _upload(client, [("more.csv", more)])  # a new worker takes over
    assert job.state == "done" and job.result[0].status == "imported", job.result


def test_worker_is_kept_for_the_next_call_unless_it_grew_too_big(
    workspace: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from socialproof.web import worker
    from socialproof.web.gate import GatedWorkspace

    ws = GatedWorkspace(workspace)
    first, _ = worker.run_in_child(child_steps, ws, ws.gate, 0, progress=lambda *a: None)
    second, _ = worker.run_in_child(child_steps, ws, ws.gate, 0, progress=lambda *a: None)
    assert first == second  # the same worker process, started once
    monkeypatch.setattr(worker, "KEEP_BELOW_MB", 0)  # as after an import that grew it
    third, _ = worker.run_in_child(child_steps, ws, ws.gate, 0, progress=lambda *a: None)
    fourth, _ = worker.run_in_child(child_steps, ws, ws.gate, 0, progress=lambda *a: None)
    assert third == second and fourth != third  # used once more, then replaced


def test_a_stopped_worker_is_ended_before_it_commits(workspace: Any) -> None:
    """There was no way to stop an import once started (a huge file ran to its end)."""
    from socialproof.web.gate import GatedWorkspace
    from socialproof.web.worker import Stopped, run_in_child

    ws = GatedWorkspace(workspace)
    stop = threading.Event()
    pids: list[int] = []

    def progress(_d: int, _t: int, what: str) -> None:
        if what == "written, not committed":
            stop.set()  # as a person's Stop, while the child holds its transaction

    with pytest.raises(Stopped, match="nothing of the file being read was written"):
        run_in_child(child_writes_then_waits, ws, ws.gate, progress=progress, stop=stop)
    with workspace.connect(read_only=True) as con:
        tables = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
    assert "stopped_midway" not in tables
    pid, _ = run_in_child(child_steps, ws, ws.gate, 0, progress=lambda *a: None)
    pids.append(pid)
    assert pids[0] != os.getpid()  # a fresh worker answers the next call


def test_stop_an_upload_import_from_its_page(client: Any, workspace: Any) -> None:
    """Stop the import: the job page offers it while the import runs; nothing is written."""
    gate = client.app_state.ws.gate
    with gate.writing():  # the import waits for its turn, as behind a long write
        r = client.post(
            "/import",
            data={"csrf_token": client.csrf},
            files=[("files", (SMALL.name, SMALL.read_bytes(), "text/csv"))],
            follow_redirects=False,
        )
        where = r.headers["location"]
        job_id = where.rsplit("/", 1)[1]
        job = client.app_state.jobs.get(job_id)
        deadline = time.monotonic() + 60
        while job.state != "running" and time.monotonic() < deadline:
            time.sleep(0.05)
        page = client.get(where).text
        assert f'action="/jobs/{job_id}/stop"' in page and "Stop the import" in page
        forged = client.post(f"/jobs/{job_id}/stop", data={}, follow_redirects=False)
        assert forged.status_code == 403 and not job.stop.is_set()
        r = client.post(f"/jobs/{job_id}/stop", data={"csrf_token": client.csrf})
        assert r.status_code == 200 and "Stopping" in r.text
        assert "stopping" in r.text and "Stop the import" not in r.text
    job = client.app_state.jobs.wait(job_id, timeout=120)
    assert job.state == "failed" and "Stopped: nothing of the file" in str(job.error)
    page = re.sub(r"\s+", " ", client.get(where).text)
    assert "stopped" in page and "Traceback" not in page
    assert _posts(workspace) == 0
    listing = client.get("/import").text
    assert "instagram_posts_small.csv</a>: stopped" in listing
    assert "instagram_posts_small.csv" not in listing.split('id="history"')[1]  # not imported
    ended = client.post(f"/jobs/{job_id}/stop", data={"csrf_token": client.csrf})
    assert "It had already ended." in ended.text
    job, _ = _upload(client, [(SMALL.name, SMALL.read_bytes())])  # the same file, again
    assert job.state == "done" and job.result[0].status == "imported"


def test_a_job_that_cannot_stop_says_so(client: Any) -> None:
    release = threading.Event()
    job = client.app_state.jobs.submit("Slow job", lambda _job: release.wait(30))
    try:
        r = client.post(f"/jobs/{job.id}/stop", data={"csrf_token": client.csrf})
        assert "This job cannot be stopped; wait for it." in r.text
        assert not job.stop.is_set()
        assert "Stop the" not in client.get(f"/jobs/{job.id}").text
    finally:
        release.set()
    assert client.app_state.jobs.wait(job.id).state == "done"
    assert client.post("/jobs/nope/stop", data={"csrf_token": client.csrf}).status_code == 404


def test_an_import_stopped_while_it_waits_never_starts(client: Any, workspace: Any) -> None:
    jobs = client.app_state.jobs
    release = threading.Event()
    blocker = jobs.submit("Hold the queue", lambda _job: release.wait(60))
    try:
        r = client.post(
            "/import",
            data={"csrf_token": client.csrf},
            files=[("files", (SMALL.name, SMALL.read_bytes(), "text/csv"))],
            follow_redirects=False,
        )
        job_id = r.headers["location"].rsplit("/", 1)[1]
        assert jobs.get(job_id).state == "queued"
        assert "Stop the import" in client.get(r.headers["location"]).text
        client.post(f"/jobs/{job_id}/stop", data={"csrf_token": client.csrf})
    finally:
        release.set()
    job = jobs.wait(job_id, timeout=120)
    assert job.state == "failed" and job.error == "Stopped before it started; nothing was written."
    assert _posts(workspace) == 0 and jobs.wait(blocker.id).state == "done"
