"""Background jobs for long work (imports, community scoring, site builds).

A :class:`JobRunner` runs callables on a small thread pool; each job reports its
progress through the :class:`Job` it receives, and a page polls ``/jobs/{id}``
(htmx, every second) until the job is done. Jobs live in memory for the life of
the server: the workspace, not the job list, is the record of what happened.

Start one from a POST route::

    job = runner(request).submit("Import 3 files", work)   # work(job) -> result

where ``work`` calls ``job.update(done, total, "what now")`` as it goes and may
set ``job.link`` (where to look when it is done). An exception that is a
``SocialproofError`` ends the job with its one-line message; any other ends it
with a short notice (the traceback goes to the server log). Work that is mostly
Python (an upload's import) runs its heavy part in a worker process through
:func:`socialproof.web.worker.run_in_child`, so the pages do not wait behind it.

Follow-ups keep stored results current: ``runner.follow_with(title, work)`` runs
``work`` as a job of its own after every other job ends (an import, a scoring run),
and ``runner.after_write()`` starts it from a route that wrote without a job (an
undo). A follow-up is not queued twice; it should return at once when nothing changed.
"""

from __future__ import annotations

import copy
import logging
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from socialproof.errors import NotFound, SocialproofError

if TYPE_CHECKING:
    from collections.abc import Callable

log = logging.getLogger(__name__)

MAX_KEPT = 200  # finished jobs remembered for the page that polls them


@dataclass
class Job:
    """One piece of background work and what a page shows about it."""

    id: str
    title: str
    state: str = "queued"  # queued, running, done, failed
    done: int = 0
    total: int = 0
    message: str = ""
    error: str | None = None
    link: str | None = None  # where to look at the result
    result: Any = None
    data: dict[str, Any] = field(default_factory=dict)  # what the page needs later
    started: float = field(default_factory=time.time)
    finished: float | None = None
    #: set by a person's Stop; work that can stop (``data["stoppable"]``) watches it
    stop: threading.Event = field(default_factory=threading.Event, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def update(self, done: int, total: int, message: str = "") -> None:
        with self._lock:
            self.done, self.total, self.message = done, total, message

    @property
    def finished_ok(self) -> bool:
        return self.state == "done"

    @property
    def running(self) -> bool:
        return self.state in ("queued", "running")

    @property
    def stoppable(self) -> bool:
        """Whether a person may stop it now (work that watches ``stop``, still running)."""
        return bool(self.data.get("stoppable")) and self.running and not self.stop.is_set()

    @property
    def percent(self) -> int | None:
        if self.total <= 0:
            return None
        return max(0, min(100, round(100 * self.done / self.total)))


class JobRunner:
    """A thread pool of ``workers`` (1 by default: workspace writes take turns anyway)."""

    def __init__(self, workers: int = 1) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="socialproof-job")
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._follow_ups: list[tuple[str, Callable[[Job], Any]]] = []

    def submit(self, title: str, work: Callable[[Job], Any], *, follow_up: bool = False) -> Job:
        job = Job(id=secrets.token_hex(8), title=title, data={"follow_up": follow_up})
        with self._lock:
            self._jobs[job.id] = job
            self._forget_old()
        self._pool.submit(self._run, job, work)
        return job

    def follow_with(self, title: str, work: Callable[[Job], Any]) -> None:
        """Run ``work`` (as job ``title``) after every job that is not a follow-up itself."""
        self._follow_ups.append((title, work))

    def after_write(self) -> list[Job]:
        """Queue the follow-ups now, each unless one with its title is already queued."""
        started = []
        for title, work in self._follow_ups:
            with self._lock:
                waiting = any(j.title == title and j.state == "queued" for j in self._jobs.values())
            if waiting:
                continue
            try:
                started.append(self.submit(title, work, follow_up=True))
            except RuntimeError:  # the pool is shutting down: nothing to keep current
                break
        return started

    def latest(self, title: str) -> Job | None:
        """The most recent job named ``title`` (running or not), if any."""
        with self._lock:
            named = [j for j in self._jobs.values() if j.title == title]
        return max(named, key=lambda j: j.started) if named else None

    def get(self, job_id: str) -> Job:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise NotFound(
                f"No background job {job_id!r} on this server.",
                hint="Jobs are forgotten when the server restarts; look at the page's history.",
            )
        return job

    def seen(self, job_id: str) -> Job:
        """The job as it is at one instant (a shallow copy), for a page that reads several of
        its fields: the worker sets ``result`` (or ``error``) before ``state``, so a copy that
        says done holds its result. Read from the live job, a page could see it running in
        one place and finished in the next, render neither the result nor the refresh that
        fetches it, and stay so (a browser test waited in vain for a result link that way)."""
        return copy.copy(self.get(job_id))

    def all(self) -> list[Job]:
        with self._lock:
            return sorted(self._jobs.values(), key=lambda j: j.started, reverse=True)

    def wait(self, job_id: str, timeout: float = 60.0) -> Job:
        """Block until the job ends (tests and scripts)."""
        deadline = time.monotonic() + timeout
        job = self.get(job_id)
        while job.running and time.monotonic() < deadline:
            time.sleep(0.02)
        return job

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _run(self, job: Job, work: Callable[[Job], Any]) -> None:
        job.state = "running"
        state = "failed"
        try:
            if job.stop.is_set():
                raise SocialproofError("Stopped before it started; nothing was written.")
            job.result = work(job)
            state = "done"
        except SocialproofError as exc:
            job.error = str(exc)
        except Exception:
            log.exception("background job %s (%s) failed", job.id, job.title)
            job.error = "The job stopped on an unexpected error; the server log has the details."
        finally:
            if not job.data.get("follow_up"):
                self.after_write()  # queued before this job ends: no idle moment between
            job.finished = time.time()
            job.state = state

    def _forget_old(self) -> None:
        ended = [j for j in self._jobs.values() if not j.running]
        if len(ended) > MAX_KEPT:
            for old in sorted(ended, key=lambda j: j.started)[: len(ended) - MAX_KEPT]:
                del self._jobs[old.id]
