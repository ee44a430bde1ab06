"""The upload folder is tidied: a batch untouched for a week (a check never confirmed, a
failed upload kept for a retry) is removed when the workbench starts and when the Import
page is opened, never one a running job uses."""

from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path
from typing import Any

from tests.web.conftest import make_client

DAY = 86400
POSTS = b"Post ID,Publish time,Reach\n1,2026-03-02 10:00,300\n"


def _batch(ws: Any, name: str, age_days: float, *, file_age_days: float | None = None) -> Path:
    """A batch folder holding one file, its times set ``age_days`` (the file's
    ``file_age_days``) in the past."""
    folder = ws.root / ".uploads" / name
    folder.mkdir(parents=True)
    kept = folder / "posts.csv"
    kept.write_bytes(POSTS)
    then = time.time() - (age_days if file_age_days is None else file_age_days) * DAY
    os.utime(kept, (then, then))
    then = time.time() - age_days * DAY
    os.utime(folder, (then, then))
    return folder


OLD, FRESH, OLD_FOLDER_NEW_FILE = "a" * 16, "b" * 16, "c" * 16


def test_the_workbench_removes_week_old_batches_when_it_starts(workspace: Any) -> None:
    old = _batch(workspace, OLD, 8)
    fresh = _batch(workspace, FRESH, 6)
    touched = _batch(workspace, OLD_FOLDER_NEW_FILE, 30, file_age_days=1)
    other = _batch(workspace, "my-notes", 30)  # not named like a batch: not ours to remove
    with make_client(workspace) as client:
        assert client.get("/").status_code == 200
        assert not old.exists()
        assert fresh.is_dir() and (fresh / "posts.csv").read_bytes() == POSTS
        assert touched.is_dir() and other.is_dir()


def test_opening_the_import_page_removes_them_but_not_a_running_jobs(workspace: Any) -> None:
    with make_client(workspace) as client:
        old = _batch(workspace, OLD, 8)
        busy = _batch(workspace, "d" * 16, 9)
        release = threading.Event()
        jobs = client.app_state.jobs
        job = jobs.submit("Import posts.csv", lambda _job: release.wait(60))
        job.data["batch"] = busy.name
        assert client.get("/import").status_code == 200
        assert not old.exists()
        assert (busy / "posts.csv").is_file()  # its job still reads it
        release.set()
        assert not jobs.wait(job.id).running
        assert client.get("/import").status_code == 200
        assert not busy.exists()  # the job ended and the batch is a week old


def test_a_check_confirmed_after_its_batch_was_removed_says_to_upload_again(
    workspace: Any,
) -> None:
    with make_client(workspace) as client:
        r = client.post(
            "/import",
            data={"csrf_token": client.csrf, "dry_run": "1"},
            files=[("files", ("posts.csv", POSTS, "text/csv"))],
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text
        client.app_state.jobs.wait(r.headers["location"].rsplit("/", 1)[1])
        (batch,) = (workspace.root / ".uploads").iterdir()
        assert client.get("/import").status_code == 200
        assert batch.is_dir()  # checked today: kept
        then = time.time() - 8 * DAY
        for p in (*batch.iterdir(), batch):
            os.utime(p, (then, then))
        assert client.get("/import").status_code == 200
        assert not batch.exists()
        gone = client.post(
            "/import/confirm",
            data={"csrf_token": client.csrf, "batch": batch.name},
            follow_redirects=False,
        )
        text = re.sub(r"\s+", " ", gone.text)
        assert gone.status_code == 422, text
        assert "The checked files are no longer here" in text and "Upload them again" in text
