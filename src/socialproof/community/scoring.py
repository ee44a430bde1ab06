"""Batch text scoring of workspace messages, and themes over them.

:func:`score_messages` scores member (non-brand) messages that have no score
yet, or whose text changed since, into the derived ``message_scores`` table:
sentiment label and score, spam and toxic flags with reasons. It reads the
texts once, scores them in batches with :func:`score_frame` (a plain
pandas-in, pandas-out function, so a Spark backend can run it as a pandas UDF)
and writes every score in one transaction. Texts longer than
:data:`MAX_CHARS` characters are scored on their first :data:`MAX_CHARS`.

Moderation's repeated-text rule counts copies of a text by its author over the
whole messages table (in the engine, with the key of
:func:`socialproof.community.moderation.repeat_key`), so a flag depends on the
data and not on which import or run scored a message: when new copies arrive,
earlier copies whose count changed are scored again. The ``models`` column
records the moderation rules in force (a fingerprint), so editing
``moderation.yaml`` re-scores what it may change.

:func:`discover_themes` clusters member messages into themes (on a sample of
at most ``sample`` messages spread over the whole range), labels each, gives
its sentiment mix, trend and suggested destination, and replaces the
``themes`` and ``message_themes`` tables.
"""

from __future__ import annotations

import functools
import gc
import importlib
import json
import os
import subprocess
import sys
import threading
from collections import deque
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialproof.community.threads import Scope, brand_handles, messages_expr, scalar
from socialproof.errors import BadInput, NoData, UsageError
from socialproof.workspace.schema import TableSpec

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    import pandas as pd

    from socialproof.workspace.core import Workspace

MAX_CHARS = 5000
BATCH = 20_000
PARALLEL_MIN = 60_000  # texts below which starting another process does not pay
MAX_WORKERS = 4
THEME_SAMPLE = 20_000

SCORES = TableSpec(
    "message_scores",
    {
        "platform": "VARCHAR",
        "message_id": "VARCHAR",
        "text_hash": "BIGINT",
        "sentiment": "VARCHAR",
        "sentiment_score": "DOUBLE",
        "spam": "BOOLEAN",
        "toxic": "BOOLEAN",
        "reasons": "VARCHAR",  # JSON list of strings
        "models": "VARCHAR",
        "scored_at": "TIMESTAMP",
    },
    ("platform", "message_id"),
    "Sentiment and moderation scores of member messages (derived).",
)


@dataclass
class Models:
    """The text models available here; a missing one is None, with a note why."""

    sentiment: Any = None
    moderation: Any = None
    notes: list[str] = field(default_factory=list)

    @property
    def names(self) -> str:
        parts = []
        if self.sentiment is not None:
            parts.append("sentiment")
        if self.moderation is not None:
            rules = getattr(self.moderation, "fingerprint", "")
            parts.append(f"moderation:{rules}" if rules else "moderation")
        return ",".join(parts)


def load_models(ws: Workspace | None = None) -> Models:
    """Load the packaged sentiment and moderation models (with workspace rules)."""
    models = Models()
    try:
        from socialproof.community import sentiment

        models.sentiment = sentiment.load()
    except (ImportError, BadInput, OSError) as exc:
        models.notes.append(f"Sentiment model unavailable ({_why(exc)}): no sentiment figures.")
    try:
        moderation = importlib.import_module("socialproof.community.moderation")
        models.moderation = _load_moderation(moderation, ws)
    except (ImportError, BadInput, OSError) as exc:
        models.notes.append(f"Moderation model unavailable ({_why(exc)}): no spam/toxic flags.")
    return models


def _load_moderation(module: Any, ws: Workspace | None) -> Any:
    """The moderator with the workspace's guidelines (moderation.yaml) when it has them."""
    if ws is not None and hasattr(module, "workspace_guidelines"):
        return module.load(module.workspace_guidelines(ws.root))
    return module.load()


def _why(exc: BaseException) -> str:
    if isinstance(exc, ModuleNotFoundError):
        return f"module {exc.name} is not installed"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text.rstrip(".")[:160]


def score_frame(df: pd.DataFrame, models: Models) -> pd.DataFrame:
    """Score a batch: ``df.text`` in, sentiment/spam/toxic/reasons columns out (same index)."""
    with _gc_paused():
        return _score_frame(df, models)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Python's cycle collector off while a batch is scored, then on again if it was.

    A batch makes some hundred thousand short-lived containers (token lists, flags,
    reasons) and none that form cycles; each collection they set off also walks the
    models' long-lived caches, about a tenth of the scoring time. Garbage in cycles, if
    any, is collected once the collector is back on.
    """
    if not gc.isenabled():  # already off (by the caller, or another scoring thread)
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _score_frame(df: pd.DataFrame, models: Models) -> pd.DataFrame:
    import pandas as pd

    texts = [t[:MAX_CHARS] if isinstance(t, str) else "" for t in df["text"].tolist()]
    out = pd.DataFrame(index=df.index)
    # the models are functions of the text alone: score each distinct text once, and
    # featurise once when they share a feature configuration (the packaged ones do)
    distinct = list(dict.fromkeys(texts))
    feats = _shared_features(models, distinct)
    if models.sentiment is not None:
        predicted = (
            models.sentiment.predict(distinct)
            if feats is None
            else models.sentiment.predict(distinct, feats)
        )
        by_text = dict(zip(distinct, predicted, strict=True))
        pred = [by_text[t] for t in texts]
        out["sentiment"] = [p[0] for p in pred]
        out["sentiment_score"] = [float(p[1]) for p in pred]
    else:
        out["sentiment"] = None
        out["sentiment_score"] = float("nan")
    if models.moderation is not None:
        authors = (
            [None if a is None else str(a) for a in df["author_id"].tolist()]
            if "author_id" in df.columns
            else None
        )
        # copies over the whole collection when the caller counted them, else in this frame
        repeats = [int(n) for n in df["repeats"].tolist()] if "repeats" in df.columns else None
        scores = None
        if hasattr(models.moderation, "model_scores"):
            cut = [t[:_MODEL_CHARS] for t in distinct]
            spam_p, toxic_p = models.moderation.model_scores(cut, feats)
            at = {t: i for i, t in enumerate(distinct)}
            scores = ([spam_p[at[t]] for t in texts], [toxic_p[at[t]] for t in texts])
            flags = models.moderation.flag(texts, authors=authors, repeats=repeats, scores=scores)
        else:
            flags = models.moderation.flag(texts, authors=authors, repeats=repeats)
        out["spam"] = [bool(getattr(f, "spam", False)) for f in flags]
        out["toxic"] = [bool(getattr(f, "toxic", False)) for f in flags]
        out["reasons"] = [
            json.dumps(list(reasons), ensure_ascii=False) if reasons else "[]"
            for reasons in (getattr(f, "reasons", None) for f in flags)
        ]
    else:
        out["spam"] = None
        out["toxic"] = None
        out["reasons"] = "[]"
    return out


TEXT_HASH_DIGITS = 15  # hex digits of the MD5 kept: 60 bits, a non-negative BIGINT everywhere


def text_hash(text: str | None) -> int:
    """The ``text_hash`` stored with a message's scores: the first
    :data:`TEXT_HASH_DIGITS` hex digits of the MD5 of its UTF-8 text (None as ""), as an
    integer. One definition on every engine: :func:`text_hash_expr` computes the same in
    DuckDB and in Spark, so scores and moderation decisions keep their meaning when a
    workspace changes engine (the engines' own ``hash()`` functions differ)."""
    import hashlib

    digest = hashlib.md5((text or "").encode("utf-8"), usedforsecurity=False).hexdigest()
    return int(digest[:TEXT_HASH_DIGITS], 16)


def text_hash_expr(text: Any) -> Any:
    """:func:`text_hash` of an Ibis string column, in the engine (DuckDB or Spark SQL)."""
    import ibis

    hexits = text.fill_null("").hexdigest("md5")
    digits = ibis.literal("0123456789abcdef")
    # a 64-bit start (an explicit cast: Spark would read a bare 0 as a 32-bit INT and
    # overflow), then one hex digit at a time
    value = ibis.literal(0).cast("int64")
    for i in range(TEXT_HASH_DIGITS):
        value = value * 16 + digits.find(hexits.substr(i, 1))
    return value


_NOT_WORD_SQL = r"[^\p{L}\p{N}]+"  # moderation.repeat_key, in the engine's regex dialect


def _with_repeats(m: Any, moderator: Any) -> Any:
    """``m`` plus ``repeats``: copies of each text by its author over all of ``m``.

    0 where the text is not repeated often enough (or is too short) to be flagged, so
    the column is what the repeated-text rule reports. Unknown authors (empty) are
    counted together, as copies "anywhere".
    """
    import ibis

    rules = getattr(moderator, "rules", None)
    if rules is None or rules.repeat_min_count <= 1:
        return m.mutate(repeats=ibis.literal(0, "int64"))
    key = m.text.fill_null("").lower().re_replace(_NOT_WORD_SQL, " ").strip()
    m = m.mutate(_rkey=key)
    # the copies of a key all have its length: count every key, then keep the long ones
    # (a filter on the length before grouping had the engine compute the key twice)
    counts = m.group_by(["platform", "author_id", "_rkey"]).aggregate(_copies=m.count())
    counts = counts.filter(
        (counts._copies >= rules.repeat_min_count)
        & (counts._rkey.length() >= max(rules.repeat_min_chars, 1))
    ).rename(c_platform="platform", c_author="author_id", c_key="_rkey")
    j = m.left_join(
        counts,
        [m.platform == counts.c_platform, m.author_id == counts.c_author, m._rkey == counts.c_key],
    )
    return j.mutate(repeats=j._copies.fill_null(0).cast("int64")).drop(
        "_rkey", "_copies", "c_platform", "c_author", "c_key"
    )


def _stored_repeats(reasons: Any) -> Any:
    """The copy count a stored score's repeated-text reason names (0 when it has none)."""
    import ibis

    text = reasons.fill_null("")
    count = text.re_extract(r"repeated text \((\d+) times", 1)
    return ibis.cases((text.contains("repeated text ("), count.cast("int64")), else_=0).fill_null(0)


_MODEL_CHARS = 2000  # _text.MAX_CHARS: what the moderation models read of a text


def _shared_features(models: Models, distinct: list[str]) -> Any:
    """Features of ``distinct`` that both sentiment and moderation can use, or None."""
    sent, mod = models.sentiment, models.moderation
    if sent is None or mod is None or not hasattr(mod, "shared_features"):
        return None
    owner = mod.shared_features()
    linear = getattr(sent, "linear", None)
    if owner is None or linear is None or owner.config != linear.config:
        return None
    if any(len(t) > _MODEL_CHARS for t in distinct):
        return None  # the models would read different cuts of a long text
    return owner.features(distinct)


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


@dataclass
class ScoringResult:
    scored: int
    already: int
    notes: list[str]


def score_messages(
    ws: Workspace,
    *,
    batch_size: int = BATCH,
    progress: Callable[[int, int], None] | None = None,
    models: Models | None = None,
    workers: int | None = None,
) -> ScoringResult:
    """Score member messages not scored yet (or whose text changed) into message_scores.

    ``workers``: processes that score (see :func:`score_frames`; default: one per core
    for large batches).
    """
    pending = start_scoring(
        ws, batch_size=batch_size, progress=progress, models=models, workers=workers
    )
    return pending.finish()


def start_scoring(
    ws: Workspace,
    *,
    batch_size: int = BATCH,
    progress: Callable[[int, int], None] | None = None,
    models: Models | None = None,
    workers: int | None = None,
    background: bool = False,
) -> PendingScores:
    """Find what :func:`score_messages` would score; ``finish()`` scores and stores it.

    With ``background``, the scoring child processes start now and this process joins
    them at ``finish()``: the caller's other work (response times, groups) runs on this
    core meanwhile. The scores are the same either way.
    """
    if batch_size < 1:
        raise UsageError("The batch size must be at least 1.")
    models = models or load_models(ws)
    pending = PendingScores(ws, models, batch_size, workers, progress)
    if models.sentiment is None and models.moderation is None:
        return pending
    pending.df, pending.total = _to_score(ws, models)
    if background and not pending.df.empty and ws.settings.engine.backend != "spark":
        pending.start()
    return pending


def _to_score(ws: Workspace, models: Models) -> tuple[pd.DataFrame, int]:
    """Member messages to score (in time order) and how many member messages there are."""
    from socialproof.workspace import engine

    with ws.ibis() as con:
        m = messages_expr(con, ws, Scope(), threads=False)
        m = m.filter(~m.brand).select("platform", "message_id", "author_id", "text", "created_at")
        m = m.mutate(text_hash=text_hash_expr(m.text))
        m = _with_repeats(m, models.moderation)
        s = engine.table(con, "message_scores")
        s = s.select(
            s_platform=s.platform,
            s_id=s.message_id,
            s_hash=s.text_hash,
            s_models=s.models,
            s_repeats=_stored_repeats(s.reasons),
        )
        j = m.left_join(s, [m.platform == s.s_platform, m.message_id == s.s_id])
        # not scored yet, text changed, scored with other models or rules, or the number
        # of copies of the text (repeated-text rule) changed since
        todo = j.filter(
            j.s_id.isnull()
            | (j.s_hash != j.text_hash)
            | (j.s_models.fill_null("") != models.names)
            | (j.s_repeats != j.repeats)
        )
        total = int(scalar(m.count()))
        df = engine.execute(
            todo.select(
                "platform", "message_id", "author_id", "text", "text_hash", "repeats", "created_at"
            ).order_by(["created_at", "platform", "message_id"])
        ).drop(columns=["created_at"])
    return df, total


@dataclass
class PendingScores:
    """Scoring found by :func:`start_scoring`, maybe under way; ``finish()`` stores it."""

    ws: Workspace
    models: Models
    batch_size: int
    workers: int | None
    progress: Callable[[int, int], None] | None
    df: pd.DataFrame | None = None
    total: int = 0
    failed: str = ""  # why the messages to score could not be read (nothing to finish)
    _hold: threading.Event = field(default_factory=threading.Event)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _result: list[Any] = field(default_factory=list)  # [scores] or [exception]

    def start(self) -> None:
        """Score in a thread of this process: children at once, this core at ``finish``."""

        def run() -> None:
            try:
                self._result.append(self._score(self._hold))
            except BaseException as exc:  # noqa: BLE001 - re-raised by finish()
                self._result.append(exc)

        self._thread = threading.Thread(target=run, name="socialproof-scoring", daemon=True)
        self._thread.start()

    def _score(self, hold: threading.Event | None) -> pd.DataFrame:
        assert self.df is not None
        if self.ws.settings.engine.backend == "spark":  # on the executors
            from socialproof.community import executors

            return executors.score_frames(self.ws, self.df, self.models, score_frame)
        return score_frames(
            self.df,
            self.models,
            batch_size=self.batch_size,
            workers=self.workers,
            progress=self.progress,
            hold=hold,
            stop=self._stop,
        )

    def abandon(self) -> None:
        """Give up (the caller failed): the children stop after their current batch."""
        if self._thread is not None:
            self._stop.set()
            self._hold.set()
            self._thread.join()
            self._thread = None
        self.df = None

    def finish(self) -> ScoringResult:
        """Score what is left (with this process too), store the scores, say how many."""
        import pyarrow as pa

        from socialproof.workspace import engine

        models, df = self.models, self.df
        if df is None:
            return ScoringResult(0, 0, models.notes)
        if df.empty:
            return ScoringResult(0, self.total, models.notes)
        if self._thread is not None:
            self._hold.set()
            self._thread.join()
            got = self._result[0]
            if isinstance(got, BaseException):
                raise got
            scores = got
        else:
            scores = self._score(None)
        now = datetime.now(UTC).replace(tzinfo=None)
        table = pa.table(
            {
                "platform": pa.array(df["platform"].tolist(), pa.string()),
                "message_id": pa.array(df["message_id"].tolist(), pa.string()),
                "text_hash": pa.array(df["text_hash"].astype("int64").tolist(), pa.int64()),
                "sentiment": pa.array(scores["sentiment"].tolist(), pa.string()),
                "sentiment_score": pa.array(
                    scores["sentiment_score"].astype("float64"), pa.float64()
                ),
                "spam": pa.array(scores["spam"].tolist(), pa.bool_()),
                "toxic": pa.array(scores["toxic"].tolist(), pa.bool_()),
                "reasons": pa.array(scores["reasons"].tolist(), pa.string()),
                "models": pa.array([models.names] * len(df), pa.string()),
                "scored_at": pa.array([now] * len(df), pa.timestamp("us")),
            }
        )
        with self.ws.transaction() as con:
            engine.upsert(con, SCORES, table)
        return ScoringResult(len(df), self.total - len(df), models.notes)


# -- sentiment over time ------------------------------------------------------------


def net_sentiment(pos: float, neg: float) -> float | None:
    """Talkwalker net sentiment, (positive - negative) / (positive + negative); None if 0/0."""
    return None if pos + neg == 0 else (pos - neg) / (pos + neg)


def sentiment_by_period(
    ws: Workspace, scope: Scope | None = None, *, period: str = "week"
) -> pd.DataFrame:
    """Scored member messages per period: counts per label and net sentiment."""
    import ibis

    from socialproof.community.groups import with_periods
    from socialproof.community.threads import utc_bounds
    from socialproof.workspace import engine

    scope = scope or Scope()
    with ws.ibis() as con:
        m = messages_expr(con, ws, scope, threads=False)
        m = m.filter(~m.brand)
        lo, hi = utc_bounds(ws, scope)
        if lo is not None:
            m = m.filter(m.created_at >= lo)
        if hi is not None:
            m = m.filter(m.created_at < hi)
        if scope.group is not None:
            m = m.filter(m.group_id == scope.group)
        s = engine.table(con, "message_scores")
        s = s.filter(s.sentiment.notnull()).select(
            s_platform=s.platform, s_id=s.message_id, sentiment=s.sentiment
        )
        j = m.join(s, [m.platform == s.s_platform, m.message_id == s.s_id])
        j = with_periods(j, ws, period)

        def n(label: str) -> Any:
            return ibis.cases((j.sentiment == label, 1), else_=0).sum()

        expr = j.group_by("period").aggregate(
            messages=j.count(), positive=n("positive"), neutral=n("neutral"), negative=n("negative")
        )
        df = engine.execute(expr.order_by("period"))
    df["net_sentiment"] = [
        net_sentiment(p, q) for p, q in zip(df["positive"], df["negative"], strict=True)
    ]
    return df


# -- themes ---------------------------------------------------------------------------


@dataclass
class ThemesResult:
    themes: pd.DataFrame  # one row per theme
    sample_size: int
    total: int
    notes: list[str]


def discover_themes(
    ws: Workspace,
    scope: Scope | None = None,
    *,
    k: str | int = "auto",
    sample: int = THEME_SAMPLE,
    save: bool = True,
) -> ThemesResult:
    """Cluster member messages into themes (see module docs) and store them."""
    import numpy as np
    import pandas as pd

    from socialproof.workspace import engine

    if isinstance(k, int) and k < 2:
        raise UsageError(f"--k {k}: ask for at least 2 themes.", hint="Or use --k auto.")
    if sample < 10:
        raise UsageError("Themes need a sample of at least 10 messages.")
    try:
        theme_model = importlib.import_module("socialproof.community.themes")
    except ImportError:
        raise BadInput(
            "The themes model is not available in this installation.",
            hint="Reinstall socialproof.",
        ) from None
    scope = scope or Scope()
    with ws.ibis() as con:
        m = messages_expr(con, ws, scope, threads=False)
        m = m.filter(~m.brand & m.text.notnull() & (m.text.strip().length() > 0))
        from socialproof.community.threads import utc_bounds

        lo, hi = utc_bounds(ws, scope)
        if lo is not None:
            m = m.filter(m.created_at >= lo)
        if hi is not None:
            m = m.filter(m.created_at < hi)
        if scope.group is not None:
            m = m.filter(m.group_id == scope.group)
        total = int(scalar(m.count()))
        if total == 0:
            raise NoData(
                "No member messages with text in this range.",
                hint="Widen --since/--until, or import conversations with message text.",
            )
        pick = m.select("platform", "message_id", "text", "created_at")
        if total > sample:
            # a deterministic spread over the whole range: order by a hash of the key (MD5:
            # the same on every engine, so DuckDB and Spark sample the same messages)
            pick = pick.mutate(_h=pick.platform.concat(":", pick.message_id).hexdigest("md5"))
            pick = pick.order_by("_h").limit(sample).drop("_h")
        pick = _with_stored_sentiment(con, pick)
        df = engine.execute(pick)
    # a total order (the engine returns rows in any order, and many share a second):
    # the same messages give the same themes and the same examples on every run
    df = df.sort_values(["created_at", "platform", "message_id"], kind="stable").reset_index(
        drop=True
    )
    texts = [t[:MAX_CHARS] for t in df["text"].astype(str)]
    n_distinct = len(set(texts))
    if n_distinct < 3:
        raise NoData(
            f"Only {n_distinct} distinct message text(s): too few to find themes.",
            hint="Import more conversations.",
        )
    if isinstance(k, int) and k > n_distinct:
        raise UsageError(
            f"--k {k} is more themes than distinct messages ({n_distinct}).",
            hint="Ask for fewer, or use --k auto.",
        )
    kwargs: dict[str, Any] = {}
    if hasattr(theme_model, "workspace_routing"):
        kwargs["routing"] = theme_model.workspace_routing(ws.root)
    if hasattr(theme_model, "workspace_seeds"):
        kwargs["seeds"] = theme_model.workspace_seeds(ws.root)
    if hasattr(theme_model, "brand_names"):
        kwargs["brands"] = brand_handles(ws)  # the brand's own names are not themes
    if ws.settings.engine.backend == "spark":  # embeddings on the executors
        from socialproof.community import executors

        kwargs["embedder"] = functools.partial(executors.embed, ws)
    result = theme_model.cluster(texts, k=k, **kwargs)
    assign = np.asarray(_get(result, "assignments", "labels"), dtype=np.int64)
    models = load_models(ws)
    notes = list(models.notes)
    notes.extend(f"Themes: {n}" for n in (getattr(result, "notes", None) or []))
    labels: list[str | None] = [None] * len(texts)
    if models.sentiment is not None:  # the stored labels; the model only where there are none
        labels = [None if v is None or v != v else str(v) for v in df["stored_sentiment"]]
        missing = [i for i, v in enumerate(labels) if v is None]
        if missing:
            predicted = models.sentiment.predict([texts[i] for i in missing])
            for i, p in zip(missing, predicted, strict=True):
                labels[i] = p[0]
    df["theme"] = assign
    df["sentiment"] = labels
    late = df["created_at"] >= df["created_at"].iloc[len(df) // 2]
    rows = []
    for info in _themes_info(result):
        tid = int(info["id"])
        part = df[df["theme"] == tid]
        if part.empty:
            continue
        pos = int((part["sentiment"] == "positive").sum())
        neg = int((part["sentiment"] == "negative").sum())
        neu = int((part["sentiment"] == "neutral").sum())
        scored = max(1, pos + neg + neu)
        trend, change = _trend(part.index.isin(df.index[late]), late)
        rows.append(
            {
                "theme": tid,
                "label": str(info.get("label", "")),
                "keywords": ", ".join(map(str, info.get("keywords", []) or [])),
                "size": int(len(part)),
                "share": len(part) / len(df),
                "positive": pos / scored if models.sentiment is not None else None,
                "neutral": neu / scored if models.sentiment is not None else None,
                "negative": neg / scored if models.sentiment is not None else None,
                "net_sentiment": net_sentiment(pos, neg),
                "trend": trend,
                "trend_change": change,
                "destination": _route(theme_model, ws, info),
                "route_reason": str(info.get("route_reason", "")),
                "examples": [
                    str(x) for x in (info.get("examples") or part["text"].head(3).tolist())
                ][:3],
            }
        )
    themes = pd.DataFrame(rows).sort_values("size", ascending=False).reset_index(drop=True)
    if total > len(df):
        notes.append(f"Themes were found on a sample of {len(df):,} of {total:,} member messages.")
    if save:
        _save_themes(ws, themes, df, total)
    return ThemesResult(themes, len(df), total, notes)


def _with_stored_sentiment(con: Any, pick: Any) -> Any:
    """``pick`` plus ``stored_sentiment``: the label in ``message_scores`` when it was
    given to the message's current text (same :func:`text_hash`), else null."""
    import ibis

    from socialproof.workspace import engine

    s = engine.table(con, "message_scores")
    s = s.filter(s.sentiment.notnull()).select(
        s_platform=s.platform, s_id=s.message_id, s_hash=s.text_hash, s_sentiment=s.sentiment
    )
    j = pick.left_join(s, [pick.platform == s.s_platform, pick.message_id == s.s_id])
    same = j.s_hash.notnull() & (j.s_hash == text_hash_expr(j.text))
    return j.select(
        *pick.columns,
        stored_sentiment=ibis.cases((same, j.s_sentiment), else_=ibis.null("string")),
    )


def _get(obj: Any, *names: str) -> Any:
    for name in names:
        if isinstance(obj, dict) and name in obj:
            return obj[name]
        if hasattr(obj, name):
            return getattr(obj, name)
    raise BadInput(f"The themes model returned no {names[0]}.", hint="Report this as a bug.")


def _themes_info(result: Any) -> list[dict[str, Any]]:
    """The themes model's per-theme records as dicts (id, label, keywords, examples, ...)."""
    out = []
    for i, item in enumerate(_get(result, "themes")):
        d = dict(item) if isinstance(item, dict) else dict(vars(item))
        d.setdefault("id", i)
        d.setdefault("examples", d.get("representatives", []))
        out.append(d)
    return out


def _route(module: Any, ws: Workspace, info: dict[str, Any]) -> str:
    if info.get("destination"):
        return str(info["destination"])
    fn = getattr(module, "route", None)
    if fn is None:
        return ""
    import inspect

    text = " ".join(
        [
            str(info.get("label", "")),
            *map(str, info.get("keywords", []) or []),
            *map(str, info.get("examples", []) or []),
        ]
    )
    params = inspect.signature(fn).parameters
    kwargs: dict[str, Any] = {}
    if "ws" in params:
        kwargs["ws"] = ws
    elif "workspace" in params:
        kwargs["workspace"] = ws
    try:
        got = fn(text, **kwargs)
    except TypeError:
        got = fn(info, **kwargs)
    return str(got or "")


MIN_TREND = 4


def _trend(in_late: Any, late: pd.Series) -> tuple[str, float | None]:
    """Share of the theme among late vs early messages: growing/shrinking past +-25 %.

    The sample is split at its median time; a theme with fewer than
    :data:`MIN_TREND` sampled messages gets no trend ("too few").
    """
    if len(in_late) < MIN_TREND:
        return "too few", None
    n_late, n_early = int(late.sum()), int((~late).sum())
    t_late = int(in_late.sum())
    t_early = int(len(in_late) - t_late)
    if n_late == 0 or n_early == 0:
        return "steady", None
    s_late, s_early = t_late / n_late, t_early / n_early
    if s_early == 0:
        return "new", None
    change = s_late / s_early - 1
    if change > 0.25:
        return "growing", change
    if change < -0.25:
        return "shrinking", change
    return "steady", change


def _save_themes(ws: Workspace, themes: pd.DataFrame, df: pd.DataFrame, total: int) -> None:
    import pyarrow as pa

    from socialproof.workspace import engine

    now = datetime.now(UTC).replace(tzinfo=None)
    t = pa.table(
        {
            "theme_id": pa.array(themes["theme"].astype("int32"), pa.int32()),
            "label": pa.array(themes["label"].tolist(), pa.string()),
            "keywords": pa.array(themes["keywords"].tolist(), pa.string()),
            "size": pa.array(themes["size"].astype("int64"), pa.int64()),
            "share": pa.array(themes["share"].astype("float64"), pa.float64()),
            "positive": pa.array(themes["positive"].tolist(), pa.float64()),
            "neutral": pa.array(themes["neutral"].tolist(), pa.float64()),
            "negative": pa.array(themes["negative"].tolist(), pa.float64()),
            "net_sentiment": pa.array(themes["net_sentiment"].tolist(), pa.float64()),
            "trend": pa.array(themes["trend"].tolist(), pa.string()),
            "trend_change": pa.array(themes["trend_change"].tolist(), pa.float64()),
            "destination": pa.array(themes["destination"].tolist(), pa.string()),
            "route_reason": pa.array(themes["route_reason"].tolist(), pa.string()),
            "examples": pa.array(
                [json.dumps(e, ensure_ascii=False) for e in themes["examples"]], pa.string()
            ),
            "sample_size": pa.array([len(df)] * len(themes), pa.int64()),
            "created_at": pa.array([now] * len(themes), pa.timestamp("us")),
        }
    )
    mt = pa.table(
        {
            "platform": pa.array(df["platform"].tolist(), pa.string()),
            "message_id": pa.array(df["message_id"].tolist(), pa.string()),
            "theme_id": pa.array(df["theme"].astype("int32"), pa.int32()),
        }
    )
    with ws.transaction() as con:
        engine.replace_table(con, "themes", t)
        engine.replace_table(con, "message_themes", mt)
    _ = total
