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

The parts live beside this module: ``scoring_models.py`` (the models, the scoring of one
batch, the text hash), ``scoring_parallel.py`` (batches over several processes),
``scoring_sentiment.py`` (sentiment over time) and ``scoring_themes.py``
(:func:`discover_themes`). This module keeps what finds, scores and stores the messages
to score (:func:`score_messages`, :func:`start_scoring`), and every public name stays
importable from it (``__all__``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from socialproof.community.scoring_models import (
    MAX_CHARS,
    TEXT_HASH_DIGITS,
    Models,
    load_models,
    score_frame,
    text_hash,
    text_hash_expr,
)
from socialproof.community.scoring_parallel import (
    BATCH,
    MAX_WORKERS,
    PARALLEL_MIN,
    score_frames,
    scoring_workers,
)
from socialproof.community.scoring_sentiment import net_sentiment, sentiment_by_period
from socialproof.community.scoring_themes import (
    MIN_TREND,
    THEME_SAMPLE,
    ThemesResult,
    discover_themes,
)
from socialproof.community.threads import Scope, messages_expr, scalar
from socialproof.errors import UsageError
from socialproof.workspace.schema import TableSpec

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd

    from socialproof.workspace.core import Workspace

__all__ = [  # the scoring's face; the names that moved out stay importable from here
    "BATCH",
    "MAX_CHARS",
    "MAX_WORKERS",
    "MIN_TREND",
    "PARALLEL_MIN",
    "SCORES",
    "TEXT_HASH_DIGITS",
    "THEME_SAMPLE",
    "Models",
    "PendingScores",
    "ScoringResult",
    "ThemesResult",
    "discover_themes",
    "load_models",
    "net_sentiment",
    "score_frame",
    "score_frames",
    "score_messages",
    "scoring_workers",
    "sentiment_by_period",
    "start_scoring",
    "text_hash",
    "text_hash_expr",
]

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


_NOT_WORD_SQL = r"[^\p{L}\p{N}]+"  # moderation.repeat_key, in the engine's regex dialect


def _with_repeats(m: Any, moderator: Any) -> Any:
    """``m`` plus ``repeats``: copies of each text by its author over all of ``m``.

    0 where the text is not repeated often enough (or is too short) to be flagged, so
    the column is what the repeated-text rule reports. Messages whose author is unknown
    (empty, or a placeholder such as '[deleted]' or 'Facebook User': :mod:`.authors`)
    are not copies of one another: eight customers whose names an export left out,
    each thanking the brand, are not one account repeating itself.
    """
    import ibis

    from socialproof.community.authors import unknown_author_expr

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
        & ~unknown_author_expr(counts.author_id)
    ).rename(c_platform="platform", c_author="author_id", c_key="_rkey")
    counts = _not_waiting(m, counts)
    j = m.left_join(
        counts,
        [m.platform == counts.c_platform, m.author_id == counts.c_author, m._rkey == counts.c_key],
    )
    return j.mutate(repeats=j._copies.fill_null(0).cast("int64")).drop(
        "_rkey", "_copies", "c_platform", "c_author", "c_key"
    )


# moderation._EMAIL, moderation._LINK and moderation._HANDLE in the engine's regex dialect
_EMAIL_SQL = r"[\w.+-]+@([a-z0-9-]+\.)+[a-z]{2,}"
_LINK_SQL = r"(https?://|www\.)[^\s/?#<>\"']+|\b([a-z0-9-]+\.)+(com|net|org|ly|io|co|gl|gd|me|info|biz|xyz)\b"


def _not_waiting(m: Any, counts: Any) -> Any:
    """``counts`` less the copies that are a customer waiting for an answer
    (:func:`~socialproof.community.moderation.waiting_copies`): all sent within a day
    (``WAITING_SPAN``) or all in one thread (the export's thread id), each without a link
    and addressed to one account at most. Only the texts of repeated groups are read
    (few), not every message's."""
    import ibis

    from socialproof.community.moderation import WAITING_SPAN

    if "created_at" not in m.columns:
        return counts
    rows = m.join(
        counts,
        [m.platform == counts.c_platform, m.author_id == counts.c_author, m._rkey == counts.c_key],
    )
    text = rows.text.fill_null("").lower().re_replace(_EMAIL_SQL, " ")
    first = text.re_extract(r"@(\w+)", 1).fill_null("")
    others = ibis.ifelse(first == "", text, text.replace("@" + first, " ")).re_search(r"@\w")
    open_ = text.re_search(_LINK_SQL) | others
    groups = rows.group_by(["c_platform", "c_author", "c_key", "_copies"]).aggregate(
        _first=rows.created_at.min(),
        _last=rows.created_at.max(),
        _open=open_.cast("int64").max(),
        **(
            {
                "_threads": rows.thread_id.nunique(),
                "_unthreaded": rows.thread_id.isnull().cast("int64").max(),
            }
            if "thread_id" in m.columns
            else {"_threads": ibis.literal(0, "int64"), "_unthreaded": ibis.literal(1, "int64")}
        ),
    )
    span = ibis.interval(seconds=int(WAITING_SPAN.total_seconds()))
    one_thread = (groups._threads == 1) & (groups._unthreaded == 0)
    waiting = (groups._open == 0) & ((groups._last <= groups._first + span) | one_thread)
    return groups.filter(~waiting).drop("_first", "_last", "_open", "_threads", "_unthreaded")


def _stored_repeats(reasons: Any) -> Any:
    """The copy count a stored score's repeated-text reason names (0 when it has none)."""
    import ibis

    text = reasons.fill_null("")
    count = text.re_extract(r"repeated text \((\d+) times", 1)
    return ibis.cases((text.contains("repeated text ("), count.cast("int64")), else_=0).fill_null(0)


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
        m = m.filter(~m.brand).select(
            "platform", "message_id", "author_id", "text", "created_at", "thread_id"
        )
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
