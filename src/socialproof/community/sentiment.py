"""Message sentiment: negative / neutral / positive, offline and fast.

The packaged model (``data/models/sentiment.npz``, built by
``scripts/train_sentiment.py``) is a class-weighted linear model over

* hashed word unigrams and bigrams from the social tokeniser in ``_text``
  (``@user``, ``<url>``, hashtags split into words, elongations, emoji and
  emoticons as tokens, ``_neg`` marks inside a negation's scope),
* (optionally, off in the packaged model for speed) hashed character 3-5-grams,
* a few dense lexicon features: VADER's lexicon (MIT, shipped in the
  vaderSentiment wheel) with its emoji descriptions, negation-flipped, plus
  shape cues (ALL CAPS, ``!``, ``?``, elongations),
* (when the model's metadata carries ``cue_coef``) a handful of sentiment-only
  customer-care cues (``care_cues``: waits in hours or minutes, delays,
  cancellations, "still waiting", lost bags, thanks, "thanks for nothing", ...),
  found by one regular-expression scan over the batch; they live here, not in
  ``_text.featurise`` (shared with moderation, whose weights depend on it).

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

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from socialproof.community import _text

if TYPE_CHECKING:
    from collections.abc import Iterable

    import numpy as np

LABELS = ("negative", "neutral", "positive")

#: Sentiment-only customer-care cues: (name, pattern over the lowercased text). Each
#: counts matches, capped at 2 and scaled to 0..1; where two cues match at one place, the
#: first listed wins. The order is part of the model (``cue_coef`` rows follow it).
CARE_CUES: tuple[tuple[str, str], ...] = (
    (
        "waited",
        r"\b\d+\s*\+?\s*(?:hours?|hrs?|minutes?|mins?|days?)\b|\bhalf an hour\b|\ban hour\b",
    ),
    ("delay", r"\b(?:delay(?:ed|s)?|late|stuck|stranded|missed|diverted)\b"),
    ("cancel", r"\bcancell?(?:ed|ing|ation|ations|s)?\b|\bflightled\b"),
    (
        "waiting",
        r"\bstill (?:waiting|no|not|nothing|haven'?t|hasn'?t|don'?t|can'?t)\b|\bon hold\b"
        r"|\bno (?:response|reply|answer|one|help|update)\b|\b(?:waiting|hold)\b",
    ),
    ("lost", r"\b(?:lost|damaged|broken|missing|misplaced)\b"),
    (
        "thanks_for_nothing",
        r"\bthanks? (?:for nothing|a lot|again|anyway)\b|\b(?:great|nice) job\b|\bway to go\b",
    ),
    ("thanks", r"\b(?:thanks?|thank you|thx|ty|tyvm|appreciate\w*|kudos)\b"),
    ("question", r"\b(?:can|could|would|will|do|does|is|are|how|when|what|where|why)\b[^.!?\n]*\?"),
    (
        "complaint",
        r"\bnever (?:again|fly|flying|use)\b"
        r"|\b(?:worst|unacceptable|ridiculous|horrible|terrible|awful|pathetic|disgusting|rude)\b",
    ),
    (
        "praise",
        r"\b(?:awesome|amazing|great|best|love|excellent|fantastic|wonderful|helpful|friendly)\b",
    ),
)
_CUE_PATTERN = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in CARE_CUES))
_CUE_INDEX = {name: i for i, (name, _) in enumerate(CARE_CUES)}


def care_cues(texts: list[str]) -> np.ndarray:
    """Customer-care cue counts of each text, shape (n, len(CARE_CUES)), float32 in 0..1.

    One scan of the pattern over the batch's lowercased texts joined by newlines (no cue
    spans a newline), matches mapped back to texts by their offsets.
    """
    import numpy as np

    n = len(texts)
    out = np.zeros((n, len(CARE_CUES)), dtype=np.float32)
    if n == 0:
        return out
    lowered = [t.replace("\n", " ").lower() for t in texts]
    starts = np.zeros(n, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, lowered), dtype=np.int64, count=n)[:-1] + 1, out=starts[1:])
    at: list[int] = []
    kind: list[int] = []
    index = _CUE_INDEX
    for match in _CUE_PATTERN.finditer("\n".join(lowered)):
        at.append(match.start())
        kind.append(index[match.lastgroup or ""])
    if at:
        doc = np.searchsorted(starts, np.asarray(at, dtype=np.int64), side="right") - 1
        np.add.at(out, (doc, np.asarray(kind, dtype=np.int64)), 1.0)
    np.minimum(out, 2.0, out=out)
    out *= 0.5
    return out


@dataclass
class SentimentModel:
    """A loaded sentiment model (read-only, safe to share); build it with ``load()``."""

    linear: _text.LinearTextModel
    cue_coef_t: np.ndarray | None = None  # (len(CARE_CUES), 3): the care cues' weights

    @classmethod
    def from_linear(cls, linear: _text.LinearTextModel) -> SentimentModel:
        """The model over ``linear``'s weights, with the care cues its metadata names."""
        import numpy as np

        cues = linear.meta.get("cue_coef")
        cue_t = None
        if cues is not None:
            cue_t = np.asarray(cues, dtype=np.float32).reshape(len(CARE_CUES), len(LABELS))
        return cls(linear, cue_t)

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
        if self.cue_coef_t is not None:
            logits += care_cues(batch) @ self.cue_coef_t
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
            (LABELS[b], round(s, 4)) for b, s in zip(best.tolist(), score.tolist(), strict=True)
        ]

    def labels(self, texts: Iterable[str]) -> list[str]:
        """Just the labels, in input order."""
        return [label for label, _ in self.predict(texts)]


@lru_cache(maxsize=1)
def load() -> SentimentModel:
    """Load the packaged model (cached: later calls return the same object)."""
    return SentimentModel.from_linear(_text.load_linear("sentiment"))


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
