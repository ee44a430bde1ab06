"""The text models, and the scoring of one batch of messages with them.

:func:`load_models` loads the packaged sentiment and moderation models (moderation with
the workspace's ``moderation.yaml``); :func:`score_frame` scores one batch, pandas in and
pandas out, so a Spark backend runs it as a pandas UDF and a child process
(``_score_worker``) needs this module alone. :func:`text_hash` and :func:`text_hash_expr`
are the one definition of the hash stored with a message's scores, in Python and in the
engine.
"""

from __future__ import annotations

import gc
import importlib
import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from socialproof.errors import BadInput

if TYPE_CHECKING:
    from collections.abc import Iterator

    import pandas as pd

    from socialproof.workspace.core import Workspace

MAX_CHARS = 5000


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
