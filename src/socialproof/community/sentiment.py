"""Message sentiment: negative / neutral / positive, offline and fast.

The packaged model (``data/models/sentiment.npz``, built by
``scripts/train_sentiment.py``) is a class-weighted linear model over

* hashed word unigrams and bigrams from the social tokeniser in ``_text``
  (``@user``, ``<url>``, hashtags split into words, elongations, emoji and
  emoticons as tokens, ``_neg`` marks inside a negation's scope),
* (optionally, off in the packaged model for speed) hashed character 3-5-grams,
* a few dense lexicon features: VADER's lexicon (MIT, shipped in the
  vaderSentiment wheel) with its emoji descriptions, negation-flipped, plus
  shape cues (ALL CAPS, ``!``, ``?``, elongations).

No vocabulary is stored (feature hashing); only the hash buckets that carry
weight are stored, as float16, so the artifact is a few MB and loads fast.

API (batches in, batches out, so a pandas or Spark UDF can call it):

* ``load() -> SentimentModel`` (cached);
* ``model.predict(texts) -> list[(label, score)]``: label is ``negative``,
  ``neutral`` or ``positive``; ``score = P(positive) - P(negative)`` in -1..1.
  Empty texts are ``("neutral", 0.0)``;
* ``model.predict_proba(texts) -> ndarray (n, 3)`` in ``LABELS`` order;
* ``net_sentiment(labels)``: Talkwalker's (positive - negative) / (positive + negative).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from socialproof.community import _text

if TYPE_CHECKING:
    from collections.abc import Iterable

    import numpy as np

LABELS = ("negative", "neutral", "positive")


@dataclass
class SentimentModel:
    """A loaded sentiment model (read-only, safe to share); build it with ``load()``."""

    linear: _text.LinearTextModel

    @property
    def meta(self) -> dict[str, object]:
        return self.linear.meta

    def predict_proba(
        self, texts: Iterable[str], feats: _text.Features | None = None
    ) -> np.ndarray:
        """Class probabilities, shape (n, 3), columns in ``LABELS`` order.

        ``feats``: the texts' features computed already (by a model with the same
        feature configuration), so several models featurise a batch once.
        """
        import numpy as np

        batch = _text.as_texts(texts)
        if len(batch) == 0:
            return np.zeros((0, 3), dtype=np.float32)
        logits = self.linear.decision(batch) if feats is None else self.linear.decision_from(feats)
        logits -= logits.max(axis=1, keepdims=True)
        prob = np.exp(logits)
        prob /= prob.sum(axis=1, keepdims=True)
        empty = np.fromiter((not t.strip() for t in batch), dtype=bool, count=len(batch))
        if empty.any():
            prob[empty] = (0.0, 1.0, 0.0)
        out: np.ndarray = prob.astype(np.float32)
        return out

    def predict(
        self, texts: Iterable[str], feats: _text.Features | None = None
    ) -> list[tuple[str, float]]:
        """``(label, score)`` per text, in input order; score = P(pos) - P(neg) in -1..1."""
        prob = self.predict_proba(texts, feats)
        best = prob.argmax(axis=1)
        score = prob[:, 2] - prob[:, 0]
        return [
            (LABELS[int(b)], round(float(s), 4)) for b, s in zip(best.tolist(), score, strict=True)
        ]

    def labels(self, texts: Iterable[str]) -> list[str]:
        """Just the labels, in input order."""
        return [label for label, _ in self.predict(texts)]


@lru_cache(maxsize=1)
def load() -> SentimentModel:
    """Load the packaged model (cached: later calls return the same object)."""
    return SentimentModel(_text.load_linear("sentiment"))


def net_sentiment(labels: Iterable[str]) -> float | None:
    """Talkwalker net sentiment: (positive - negative) / (positive + negative).

    ``None`` when there is no positive and no negative label: undefined, not
    zero (a period with only neutral messages has no net sentiment).
    """
    pos = neg = 0
    for label in labels:
        if label == "positive":
            pos += 1
        elif label == "negative":
            neg += 1
    if pos + neg == 0:
        return None
    return (pos - neg) / (pos + neg)
