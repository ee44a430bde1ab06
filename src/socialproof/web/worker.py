"""Run a job's CPU-heavy Python work in a child process, so the server keeps answering.

A background job runs in a thread of the server; Python lets one thread run Python at
a time, so an import's parsing (seconds of pure Python on a large export) makes every
page wait behind it. :func:`run_in_child` runs a module-level function in a child
process started fresh (``spawn``: no copy of the server's threads or locks) at a lower
CPU priority, and reports its progress back to the job.

The workspace database is one DuckDB file, and DuckDB lets one process write it while
no other process has it open. The child therefore never opens it on its own: each of
its connections first asks the server (over the pipe) for the app's
:class:`~socialproof.web.gate.ReadWriteLock`, which a thread of the server takes for
it, so the child's reads and writes take turns with the pages' as the server's own
jobs do (a page waits for the end of a write transaction instead of failing). The
workspace's write lock file is shared across processes already, so the import's
guarantees stay as they are: one transaction per file (all or nothing), idempotence
by the file's sha256, rejects, undo. A child that dies leaves nothing half-written
(its open transaction is never committed) and the job ends with a clear message.

``SOCIALPROOF_WEB_CHILD=0`` runs the work in the job's thread instead (to compare).
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import threading
import traceback
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialproof import errors
from socialproof.errors import SocialproofError, WorkspaceBusy
from socialproof.workspace import Workspace

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from multiprocessing.connection import Connection

    import duckdb

    from socialproof.web.gate import ReadWriteLock
    from socialproof.web.jobs import Job
    from socialproof.workspace.settings import Settings

log = logging.getLogger(__name__)

NICE = 10  # the child's CPU priority, added to the server's
KEEP_BELOW_MB = 1024  # a worker whose memory grew past this (a huge import) is not kept
ENV_CHILD = "SOCIALPROOF_WEB_CHILD"
STOPPED_IMPORT = "Stopped: nothing of the file being read was written."
STOPPED_IMPORT_HINT = (
    "Files of the same upload that had finished before stay imported; see the history on "
    "the Import page."
)
#: What a stopped job says when its whole work ran in the child (nothing of it written).
STOPPED = "Stopped: nothing was written; the workspace is as it was before."


def child_enabled() -> bool:
    """Whether heavy jobs run in a child process (``SOCIALPROOF_WEB_CHILD=0``: no)."""
    return os.environ.get(ENV_CHILD, "1") != "0"


class _Worker:
    """One child process that runs calls one after another (kept for the next job)."""

    def __init__(self) -> None:
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        self.conn, theirs = context.Pipe()
        self.proc = context.Process(target=_child_main, args=(theirs,), daemon=True)
        self.proc.start()
        theirs.close()
        with _idle_lock:
            _started.append(self)

    def alive(self) -> bool:
        return bool(self.proc.is_alive()) and not self.conn.closed

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.close()
        self.proc.join(timeout=5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(timeout=5)


_idle: list[_Worker] = []
_started: list[_Worker] = []  # every worker this process started (for their CPU time)
_idle_lock = threading.Lock()


def workers_cpu_s() -> float:
    """CPU seconds (user + system) that the worker processes still running have used
    (Linux ``/proc``; 0.0 elsewhere): what the server's own CPU time leaves out."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    with _idle_lock:
        pids = [w.proc.pid for w in _started if w.proc.is_alive()]
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def _take() -> _Worker:
    with _idle_lock:
        while _idle:
            worker = _idle.pop()
            if worker.alive():
                return worker
            worker.stop()
    return _Worker()


def _give_back(worker: _Worker) -> None:
    with _idle_lock:
        _idle.append(worker)


def stop_workers() -> None:
    """End the idle worker processes (they end with the server anyway)."""
    with _idle_lock:
        workers = list(_idle)
        _idle.clear()
    for worker in workers:
        worker.stop()


def run_in_child(
    func: Callable[..., Any],
    ws: Workspace,
    gate: ReadWriteLock,
    *args: Any,
    progress: Callable[[int, int, str], None] | None = None,
    nice: int = NICE,
    stop: threading.Event | None = None,
    stopped: tuple[str, str | None] = (STOPPED_IMPORT, STOPPED_IMPORT_HINT),
    **kwargs: Any,
) -> Any:
    """``func(child_ws, *args, progress=..., **kwargs)`` in a child process; its result.

    ``func`` must be a module-level function and its arguments and result picklable
    (when the arguments are not, or child processes are switched off, it runs here).
    A :class:`SocialproofError` in the child is raised here with its message; a child
    that fails otherwise or dies raises a :class:`SocialproofError` saying so. The
    child (started on first use, at ``nice`` lower priority) stays for the next call.
    When ``stop`` is set (a person's Stop), the child is ended where it is (its open
    transaction is never committed, as when it dies) and :class:`Stopped` is raised,
    saying ``stopped`` (message, hint).
    """
    call_kwargs = dict(kwargs)
    if progress is not None:
        call_kwargs["progress"] = progress
    payload = (func, ws.root, ws.settings, args, kwargs, progress is not None, nice)
    if not child_enabled() or not _picklable(payload):
        return func(ws, *args, **call_kwargs)
    try:
        worker = _take()
    except OSError as exc:  # no room for a process: do the work here
        log.warning("could not start a worker process (%s); working in the server", exc)
        return func(ws, *args, **call_kwargs)
    held: dict[int, contextlib.AbstractContextManager[None]] = {}
    ok = False
    try:
        worker.conn.send(("call", payload))
        result = _serve(worker.conn, worker.proc, gate, held, progress, stop, stopped)
        ok = True
        return result
    except SocialproofError as exc:
        ok = getattr(exc, "from_child", False)  # the call failed, the worker is fine
        raise
    finally:
        leftover = bool(held)  # a connection the child never gave back: do not reuse it
        for hold in reversed(list(held.values())):
            hold.__exit__(None, None, None)
        if ok and not leftover and _rss_mb(worker.proc.pid) < KEEP_BELOW_MB:
            _give_back(worker)
        else:
            worker.stop()


def _rss_mb(pid: int | None) -> float:
    """Resident memory of process ``pid`` in MB (Linux ``/proc``; 0.0 elsewhere)."""
    try:
        pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _picklable(payload: Any) -> bool:
    try:
        pickle.dumps(payload)
    except Exception:
        return False
    return True


class Stopped(SocialproofError):
    """A person stopped the job; its worker process was ended before it committed."""


def _end(proc: Any, stopped: tuple[str, str | None]) -> Stopped:
    """End the child where it is: what it had not committed is never written."""
    proc.kill()
    proc.join(timeout=5)
    return Stopped(stopped[0], hint=stopped[1])


def stoppable(ws: Workspace) -> bool:
    """Whether :func:`run_stoppable` can stop its work for ``ws`` (the app's workspace,
    child processes on)."""
    from socialproof.web.gate import GatedWorkspace

    return isinstance(ws, GatedWorkspace) and child_enabled()


def run_stoppable(
    job: Job, ws: Workspace, func: Callable[..., Any], *args: Any, **kwargs: Any
) -> Any:
    """``func(ws, *args, progress=job.update, **kwargs)`` as a job's work that a person may
    stop (the job's Stop): in the worker process for the app's workspace, so a Stop ends it
    before it commits and the job says :data:`STOPPED`; here for any other workspace."""
    from socialproof.web.gate import GatedWorkspace

    if isinstance(ws, GatedWorkspace):
        return run_in_child(
            func,
            ws,
            ws.gate,
            *args,
            progress=job.update,
            stop=job.stop,
            stopped=(STOPPED, None),
            **kwargs,
        )
    return func(ws, *args, progress=job.update, **kwargs)


def _serve(
    conn: Connection,
    proc: Any,
    gate: ReadWriteLock,
    held: dict[int, contextlib.AbstractContextManager[None]],
    progress: Callable[[int, int, str], None] | None,
    stop: threading.Event | None = None,
    stopped: tuple[str, str | None] = (STOPPED_IMPORT, STOPPED_IMPORT_HINT),
) -> Any:
    """Answer the child's requests until it sends its result (or dies, or is stopped)."""
    while True:
        if stop is not None and stop.is_set():
            raise _end(proc, stopped)
        try:
            if not conn.poll(0.5):
                if not proc.is_alive() and not conn.poll(0):
                    raise _died(proc)
                continue
            message = conn.recv()
        except (EOFError, OSError):
            proc.join(timeout=5)
            raise _died(proc) from None
        kind = message[0]
        if kind == "progress":
            if progress is not None:
                progress(*message[1:])
        elif kind == "acquire":
            token, read_only = message[1], message[2]
            hold = gate.reading() if read_only else gate.writing()
            try:
                hold.__enter__()
            except WorkspaceBusy as exc:
                conn.send(("busy", exc.message, exc.hint))
                continue
            held[token] = hold
            if stop is not None and stop.is_set():  # stopped while it waited for its turn
                raise _end(proc, stopped)
            conn.send(("ok",))
        elif kind == "release":
            released = held.pop(message[1], None)
            if released is not None:
                released.__exit__(None, None, None)
        elif kind == "result":
            return message[1]
        elif kind == "error":
            error = _error(*message[1:])
            error.from_child = True  # type: ignore[attr-defined]
            raise error
        elif kind == "crash":
            log.error("background worker failed:\n%s", message[1])
            raise SocialproofError(
                "The job stopped on an unexpected error in its worker process; nothing was "
                "written.",
                hint="The server log has the details.",
            )


def _died(proc: Any) -> SocialproofError:
    code = proc.exitcode
    how = f"with code {code}" if code is not None and code >= 0 else "on a signal"
    if code is not None and code < 0:
        how = f"on signal {-code}"
    return SocialproofError(
        f"The job's worker process ended {how} before it finished; nothing was written.",
        hint="Try again; if it happens again, the server log may say why (memory?).",
    )


def _error(name: str, message: str, hint: str | None) -> SocialproofError:
    cls = getattr(errors, name, None)
    if isinstance(cls, type) and issubclass(cls, SocialproofError):
        try:
            return cls(message, hint=hint)
        except TypeError:  # a class with arguments of its own
            pass
    return SocialproofError(message, hint=hint)


# -- in the child ----------------------------------------------------------------------------
class ChildWorkspace(Workspace):
    """The workspace as the child sees it: each connection waits for the server's turn."""

    def __init__(self, root: Path, settings: Settings, conn: Connection) -> None:
        super().__init__(root, settings)
        self._conn = conn
        self.pipe_lock = threading.Lock()
        self._next = 0

    def _ask(self, read_only: bool) -> int:
        with self.pipe_lock:
            self._next += 1
            token = self._next
            self._conn.send(("acquire", token, read_only))
            reply = self._conn.recv()
        if reply[0] != "ok":
            raise WorkspaceBusy(reply[1], hint=reply[2])
        return token

    def _release(self, token: int) -> None:
        with self.pipe_lock:
            self._conn.send(("release", token))

    @contextmanager
    def connect(self, *, read_only: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        token = self._ask(read_only)
        try:
            with super().connect(read_only=read_only) as con:
                yield con
        finally:  # the database is closed (its file lock gone) before the server reads
            self._release(token)

    def report(self, done: int, total: int, what: str) -> None:
        with self.pipe_lock:
            self._conn.send(("progress", done, total, what))


def _child_main(conn: Connection) -> None:
    """Run the calls the server sends, one after another, until it closes the pipe."""
    niced = False
    while True:
        try:
            kind, payload = conn.recv()
        except (EOFError, OSError):
            return
        if kind != "call":
            return
        func, root, settings, args, kwargs, wants_progress, nice = payload
        if not niced:
            with contextlib.suppress(OSError, AttributeError):
                os.nice(nice)
            niced = True
        ws = ChildWorkspace(Path(root), settings, conn)
        if wants_progress:
            kwargs = {**kwargs, "progress": ws.report}
        try:
            result = func(ws, *args, **kwargs)
            message: tuple[Any, ...] = ("result", result)
        except SocialproofError as exc:
            message = ("error", type(exc).__name__, exc.message, exc.hint)
        except BaseException:
            message = ("crash", traceback.format_exc())
        try:
            with ws.pipe_lock:
                conn.send(message)
        except (EOFError, OSError):
            return
        except Exception:  # an unpicklable result
            conn.send(("crash", traceback.format_exc()))
