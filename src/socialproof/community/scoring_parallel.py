"""Scoring many messages on several cores: batches shared with child processes.

:func:`score_frames` runs :func:`~socialproof.community.scoring_models.score_frame` over a
frame in batches. With more than one worker (:func:`scoring_workers`), child processes
(``_score_worker``) score batches from the back while this process scores from the
front; a child that fails leaves its batches to this process. The result is the same,
row for row, as with one process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections import deque
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING

from socialproof.community.scoring_models import Models, score_frame
from socialproof.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    import pandas as pd

BATCH = 20_000
PARALLEL_MIN = 60_000  # texts below which starting another process does not pay
MAX_WORKERS = 4


def scoring_workers(n_texts: int, workers: int | None = None) -> int:
    """How many processes score ``n_texts`` texts: ``workers`` if given, else the
    ``SOCIALPROOF_SCORING_WORKERS`` environment variable, else one per available core
    (at most :data:`MAX_WORKERS`) when there are at least :data:`PARALLEL_MIN` texts."""
    if workers is None:
        env = os.environ.get("SOCIALPROOF_SCORING_WORKERS", "").strip()
        if env:
            try:
                workers = int(env)
            except ValueError:
                raise UsageError(
                    f"SOCIALPROOF_SCORING_WORKERS must be a whole number, not {env!r}."
                ) from None
    if workers is not None:
        if workers < 1:
            raise UsageError(f"The number of scoring processes must be at least 1, not {workers}.")
        return workers
    if n_texts < PARALLEL_MIN:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


def score_frames(
    df: pd.DataFrame,
    models: Models,
    *,
    batch_size: int = BATCH,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    hold: threading.Event | None = None,
    stop: threading.Event | None = None,
) -> pd.DataFrame:
    """:func:`score_frame` over ``df`` in batches of ``batch_size`` rows, maybe in parallel.

    The single entry point for scoring any set of messages (a whole workspace or a
    subset). Every row's scores depend on its own text, author and ``repeats`` only, so
    the batches are independent: with ``workers`` > 1, this process scores batches from
    the front while ``workers - 1`` child processes (``_score_worker``, sent the same
    models) score batches from the back; a child that fails leaves its batches to this
    process. The result is the same, row for row, as with one process. Returns the score columns, indexed like ``df``.

    ``hold``: this process scores only once the event is set (the children start at
    once), so its core is free meanwhile for other work (:func:`start_scoring`). ``stop``:
    no batch is started once it is set (the caller gave up: the result is then partial).
    """
    import pandas as pd

    n = len(df)
    if n == 0:
        return score_frame(df, models)
    if batch_size < 1:
        raise UsageError("The batch size must be at least 1.")
    starts = list(range(0, n, batch_size))
    n_workers = min(scoring_workers(n, workers), len(starts))
    parts: list[pd.DataFrame | None] = [None] * len(starts)
    children = [_Child.start(models) for _ in range(n_workers - 1)] if n_workers > 1 else []
    todo = deque(range(len(starts)))
    lock = threading.Lock()

    def batch(i: int) -> pd.DataFrame:
        return df.iloc[starts[i] : starts[i] + batch_size]

    def take(front: bool) -> int | None:
        with lock:
            if not todo or (stop is not None and stop.is_set()):
                return None
            return todo.popleft() if front else todo.pop()

    def feed(child: _Child, first: int) -> None:
        """One thread per child: hand it batches from the back until none are left."""
        columns = [c for c in ("text", "author_id", "repeats") if c in df.columns]
        j: int | None = first
        while j is not None:
            part = child.score(batch(j)[columns])
            if part is None:  # the child failed: this process scores what is left
                with lock:
                    todo.append(j)
                return
            parts[j] = part
            with lock:
                finished[0] += len(part)
            j = take(front=False)

    finished = [0]
    threads = [  # each child's first batch is taken now, from the back
        threading.Thread(target=feed, args=(c, todo.pop()), daemon=True)
        for c in children
        if c is not None and len(todo) > 1
    ]
    try:
        for thread in threads:
            thread.start()
        if hold is not None and threads:
            hold.wait()
        with _one_blas_thread() if threads else nullcontext():
            while (k := take(front=True)) is not None:
                parts[k] = part = score_frame(batch(k), models)
                with lock:
                    finished[0] += len(part)
                    now = finished[0]
                if progress is not None:
                    progress(now, n)
            for thread in threads:
                thread.join()
    finally:
        for child in children:
            if child is not None:
                child.stop()
    if stop is not None and stop.is_set():
        return pd.concat([p for p in parts if p is not None] or [score_frame(df.head(0), models)])
    for i in range(len(starts)):  # left by a failed child
        if parts[i] is None:
            parts[i] = score_frame(batch(i), models)
    if progress is not None:
        progress(n, n)
    return pd.concat(parts)


@contextmanager
def _one_blas_thread() -> Iterator[None]:
    """BLAS limited to one thread in this process while the children use the other cores."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        yield
        return
    with threadpool_limits(1):
        yield


_CHILD_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "TOKENIZERS_PARALLELISM": "false",
}


@dataclass
class _Child:
    """A scoring child process (``socialproof.community._score_worker``) and its pipes."""

    process: subprocess.Popen[bytes]
    inbox: Connection  # to the child
    outbox: Connection  # from the child
    models: Models | None

    @classmethod
    def start(cls, models: Models) -> _Child | None:
        """Start a child (None if this platform or environment cannot)."""
        if os.name != "posix":
            return None
        import socialproof

        child_in, to_child = os.pipe()  # (read end, write end)
        from_child, child_out = os.pipe()
        env = dict(os.environ, **_CHILD_ENV)
        package_root = str(Path(socialproof.__file__).resolve().parents[1])
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (package_root, env.get("PYTHONPATH", "")) if p
        )
        try:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "socialproof.community._score_worker",
                    str(child_in),
                    str(child_out),
                ],  # fmt: skip
                pass_fds=(child_in, child_out),
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError:
            for fd in (to_child, child_in, child_out, from_child):
                os.close(fd)
            return None
        os.close(child_in)
        os.close(child_out)
        return cls(
            process, Connection(to_child, readable=False), Connection(from_child, writable=False),
            models,
        )  # fmt: skip

    def score(self, frame: pd.DataFrame) -> pd.DataFrame | None:
        """The child's scores of ``frame`` (the models go first, once), None if it failed."""
        import pandas as pd

        try:
            if self.models is not None:
                self.inbox.send(self.models)
                self.models = None
            self.inbox.send(frame)
            out = self.outbox.recv()
        except (EOFError, OSError):
            return None
        return out if isinstance(out, pd.DataFrame) and len(out) == len(frame) else None

    def stop(self) -> None:
        try:
            self.inbox.send(None)
        except OSError:
            pass
        self.inbox.close()
        self.outbox.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
