"""The text models on Spark's executors: sentiment, moderation and theme embeddings.

With ``engine.backend = "spark"`` in ``socialproof.toml``, :func:`score_frames` replaces
the driver's process pool of :func:`socialproof.community.scoring.score_frames`: the
messages to score become a Spark DataFrame, each executor scores its partitions with
``mapInPandas`` and the small packaged models travel with the function (they are plain
Python objects, pickled once per task). Each partition is scored by the same
pandas-in, pandas-out ``score_frame`` the DuckDB path uses, so the figures are the same.

The scoring function is handed in by the caller (``scoring`` calls this module, not the
other way round); the executors import socialproof to run it, so they must run the
same Python with socialproof installed (``docs/scaling.md``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    import pandas as pd

    from socialproof.workspace.core import Workspace

#: What :func:`score_on_executors` returns per message (Spark DDL).
SCORE_SCHEMA = (
    "platform string, message_id string, sentiment string, sentiment_score double, "
    "spam boolean, toxic boolean, reasons string"
)
_ROW = "_sp_row"
#: rows per Spark partition when the driver's messages are handed to the executors
ROWS_PER_PARTITION = 20_000


def score_on_executors(
    frame: Any, models: Any, score_fn: Callable[[pd.DataFrame, Any], pd.DataFrame]
) -> Any:
    """Sentiment and moderation of a Spark DataFrame of messages, computed on the executors.

    ``frame`` has ``platform``, ``message_id``, ``text``, ``author_id`` and ``repeats``
    (copies of the text by its author over the whole collection, counted in the engine
    as ``score_messages`` does; without it, copies would be counted per partition).
    ``score_fn`` is ``scoring.score_frame``; ``models`` comes from ``scoring.load_models``
    (the packaged models with the workspace's moderation rules). Returns a Spark
    DataFrame of :data:`SCORE_SCHEMA`, plus the ``_sp_row`` column if ``frame`` has it.
    """
    keep = [c for c in ("platform", "message_id") if c in frame.columns]
    with_row = _ROW in frame.columns

    def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        import pandas as pd

        for pdf in batches:
            pdf = pdf.reset_index(drop=True)
            out = score_fn(pdf, models)
            yield pd.concat([pdf[keep + ([_ROW] if with_row else [])], out], axis=1)

    return frame.mapInPandas(run, SCORE_SCHEMA + (f", {_ROW} long" if with_row else ""))


def embed_on_executors(frame: Any, keys: list[str], column: str = "text") -> Any:
    """Theme embeddings of ``frame[column]`` computed on the executors.

    Returns ``keys`` plus ``embedding`` (array of float, the packaged static embedding
    of ``themes.embed``, the same vectors as in the driver).
    """
    fields = ", ".join(f"{k} string" for k in keys)

    def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        import pandas as pd

        from socialproof.community._text import embed

        for pdf in batches:
            texts = [t if isinstance(t, str) else "" for t in pdf[column].tolist()]
            vectors: Any = embed(texts) if texts else []
            out = pd.DataFrame({k: pdf[k].astype(str).tolist() for k in keys})
            out["embedding"] = [list(map(float, v)) for v in vectors]
            yield out

    return frame.mapInPandas(run, f"{fields}, embedding array<float>")


def embed(ws: Workspace, texts: list[str]) -> Any:
    """``themes.embed(texts)`` computed on the workspace's Spark executors (rows in order)."""
    import numpy as np
    import pandas as pd

    from socialproof.workspace import spark

    session = spark.session_for(ws)
    pdf = pd.DataFrame({"k": [str(i) for i in range(len(texts))], "text": texts})
    frame = session.createDataFrame(pdf).repartition(_partitions(session, len(pdf)))
    got = spark.collect_arrow(embed_on_executors(frame, ["k"]), "embedding texts").to_pandas()
    got = got.set_index("k").loc[pdf["k"]]
    return np.stack([np.asarray(v, dtype=np.float32) for v in got["embedding"]])


def score_frames(
    ws: Workspace,
    df: pd.DataFrame,
    models: Any,
    score_fn: Callable[[pd.DataFrame, Any], pd.DataFrame],
) -> pd.DataFrame:
    """``scoring.score_frames`` on the executors of the workspace's Spark session.

    ``df`` holds the messages to score (``text``, ``author_id``, ``repeats``, any
    order); returns the score columns indexed like ``df``.
    """
    import pandas as pd

    from socialproof.workspace import spark

    if df.empty:
        return score_fn(df, models)
    session = spark.session_for(ws)
    cols = [c for c in ("platform", "message_id", "text", "author_id", "repeats") if c in df]
    pdf = df[cols].reset_index(drop=True)
    for c in ("platform", "message_id", "author_id"):
        if c not in pdf:
            pdf[c] = ""
    pdf[_ROW] = range(len(pdf))
    pdf["platform"] = pdf["platform"].astype(str)
    pdf["message_id"] = pdf["message_id"].astype(str)
    frame = session.createDataFrame(pdf).repartition(_partitions(session, len(pdf)))
    scored = spark.collect_arrow(
        score_on_executors(frame, models, score_fn), "scoring messages"
    ).to_pandas()
    scored = scored.sort_values(_ROW).reset_index(drop=True)
    out = scored[["sentiment", "sentiment_score", "spam", "toxic", "reasons"]]
    out.index = df.index
    return pd.DataFrame(out)


def _partitions(session: Any, rows: int) -> int:
    parallel = max(int(session.sparkContext.defaultParallelism), 1)
    return max(parallel, min(rows // ROWS_PER_PARTITION + 1, 4 * parallel))
