"""Scoring in several processes gives the same scores, row for row, as in one.

``score_frames`` splits a frame into batches; with ``workers=2`` a child process
(``socialproof.community._score_worker``) scores batches from the back while this
process scores from the front. The packaged models are used, so the scores are the
real ones; the expected values are those of the one-process path.
"""

from __future__ import annotations

from typing import Any

import pytest

TEXTS = [
    "my order #4471 still hasn't arrived after 5 days",
    "charged twice, please refund me",
    "the app crashes every time I open the basket :(",
    "LOVE the new armchair, thank you!!!",
    "buy followers cheap visit http://bit.ly/x now",
    "you are useless idiots",
    "",
    "Où est mon colis ? 😡",
    "great service today, thanks team",
]


def _frame(n: int) -> Any:
    import pandas as pd

    texts = [f"{TEXTS[i % len(TEXTS)]} {i}" if i % 7 else TEXTS[i % len(TEXTS)] for i in range(n)]
    texts[5] = None  # type: ignore[call-overload]
    return pd.DataFrame(
        {
            "text": texts,
            "author_id": [None if i % 11 == 0 else f"u{i % 13}" for i in range(n)],
            "repeats": [3 if i % 17 == 0 else 0 for i in range(n)],
        },
        index=range(100, 100 + n),
    )


@pytest.fixture(scope="module")
def models() -> Any:
    from socialproof.community.scoring import load_models

    return load_models()


def test_two_processes_score_like_one(models: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from socialproof.community import scoring, scoring_parallel

    df = _frame(240)
    one = scoring.score_frames(df, models, batch_size=40, workers=1)
    by_child: list[int] = []
    score = scoring_parallel._Child.score

    def counted(child: Any, frame: Any) -> Any:
        out = score(child, frame)
        if out is not None:
            by_child.append(len(out))
        return out

    monkeypatch.setattr(scoring_parallel._Child, "score", counted)
    seen: list[tuple[int, int]] = []
    two = scoring.score_frames(
        df, models, batch_size=40, workers=2, progress=lambda d, n: seen.append((d, n))
    )
    assert by_child, "the child process scored no batch"
    assert sum(by_child) < len(df)  # and this process scored some too
    assert list(two.index) == list(df.index)
    assert two.equals(one)
    assert seen[-1] == (240, 240)
    assert set(one["sentiment"].dropna()) <= {"negative", "neutral", "positive"}
    assert one.loc[105, "reasons"] == "[]"  # the missing text: no flags


def test_a_failed_child_leaves_its_batches_here(
    models: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from socialproof.community import scoring, scoring_parallel

    df = _frame(90)
    one = scoring.score_frames(df, models, batch_size=30, workers=1)
    monkeypatch.setattr(scoring_parallel._Child, "score", lambda child, frame: None)
    assert scoring.score_frames(df, models, batch_size=30, workers=2).equals(one)


def test_workers_default_to_one_for_small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    from socialproof.community import scoring
    from socialproof.errors import UsageError

    monkeypatch.delenv("SOCIALPROOF_SCORING_WORKERS", raising=False)
    assert scoring.scoring_workers(100) == 1
    assert scoring.scoring_workers(100, 3) == 3
    monkeypatch.setenv("SOCIALPROOF_SCORING_WORKERS", "2")
    assert scoring.scoring_workers(100) == 2
    monkeypatch.setenv("SOCIALPROOF_SCORING_WORKERS", "two")
    with pytest.raises(UsageError, match="whole number"):
        scoring.scoring_workers(100)
    with pytest.raises(UsageError, match="at least 1"):
        scoring.scoring_workers(100, 0)


def _stored(ws: Any) -> Any:
    with ws.connect(read_only=True) as con:
        return con.execute(
            "SELECT platform, message_id, text_hash, sentiment, sentiment_score, spam, toxic, "
            "reasons FROM message_scores ORDER BY platform, message_id"
        ).df()


def _fill(ws: Any, n: int) -> None:
    import pyarrow as pa
    from tests.community.test_threads import msg

    from socialproof.workspace import engine
    from socialproof.workspace.schema import CANONICAL

    texts = [t if isinstance(t, str) else None for t in _frame(n)["text"]]
    rows = [
        msg(f"m{i}", f"u{i % 13}", f"2026-03-0{1 + i % 9} 1{i % 10}:00", text=t)
        for i, t in enumerate(texts)
    ]
    with ws.transaction() as con:
        engine.upsert(con, CANONICAL["messages"], pa.Table.from_pylist(rows))


def test_background_scoring_leaves_this_core_free_until_finish(
    workspace: Any, models: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report's path: children score at once, this process only from finish() on;
    the stored scores are those of plain score_messages in one process."""
    import threading

    from socialproof.community import scoring, scoring_parallel
    from socialproof.workspace import Workspace

    _fill(workspace, 200)
    other = Workspace.init(tmp_path / "other", settings=workspace.settings)
    _fill(other, 200)
    assert scoring.score_messages(other, models=models, workers=1).scored == 200

    here: list[int] = []
    child_scored = threading.Event()
    real_frame, real_child = scoring.score_frame, scoring_parallel._Child.score

    def in_this_process(frame: Any, m: Any) -> Any:
        here.append(len(frame))
        return real_frame(frame, m)

    def by_child(child: Any, frame: Any) -> Any:
        out = real_child(child, frame)
        child_scored.set()
        return out

    monkeypatch.setattr(scoring_parallel, "score_frame", in_this_process)  # read by score_frames
    monkeypatch.setattr(scoring_parallel._Child, "score", by_child)
    pending = scoring.start_scoring(
        workspace, models=models, workers=2, batch_size=20, background=True
    )
    assert child_scored.wait(300), "the child never scored a batch"
    assert here == []  # this process has not scored yet: its core was free
    result = pending.finish()
    assert result.scored == 200
    assert _stored(workspace).equals(_stored(other))


def test_abandoned_background_scoring_stores_nothing(workspace: Any, models: Any) -> None:
    from socialproof.community import scoring

    _fill(workspace, 100)
    pending = scoring.start_scoring(
        workspace, models=models, workers=2, batch_size=20, background=True
    )
    pending.abandon()
    assert len(_stored(workspace)) == 0
    assert scoring.score_messages(workspace, models=models, workers=1).scored == 100
