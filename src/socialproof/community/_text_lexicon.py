"""The sentiment lexicon and the dense lexicon and shape cues of one text.

:func:`lexicon` is VADER's lexicon (and scored emoji) from the package;
:func:`lexicon_features` gives the ``N_LEXICON_FEATURES`` dense cues of one tokenised
text, the reference the batch featuriser (``_text_featurise``) matches. ``LEXICONS``
and :func:`lexicon_tables` (the lexicon with negated words pre-flipped) are shared with
the batch vocabulary (``_text_vocab``), one cache for both.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from socialproof.community._text_tokens import NEG_EMOTICONS, POS_EMOTICONS, shape_features
from socialproof.errors import BadInput

if TYPE_CHECKING:
    from collections.abc import Sequence
    from importlib.resources.abc import Traversable


N_LEXICON_FEATURES = 14
_NEG_SCALAR = -0.74  # VADER's factor for a negated lexicon word


def models_dir() -> Traversable:
    return resources.files("socialproof") / "data" / "models"


@lru_cache(maxsize=1)
def lexicon() -> dict[str, float]:
    """VADER's lexicon (MIT) plus emoji scored on their descriptions, from the package."""
    path = models_dir() / "lexicon.json"
    try:
        data: dict[str, float] = json.loads(path.read_text(encoding="utf-8"))["lexicon"]
    except FileNotFoundError as exc:
        raise BadInput(
            "The packaged sentiment lexicon is missing.",
            hint="Reinstall socialproof, or rebuild it with scripts/train_sentiment.py.",
        ) from exc
    return data


@lru_cache(maxsize=4)
def lexicon_tables(key: int) -> tuple[dict[str, float], frozenset[str], frozenset[str]]:
    """The lexicon with ``word_neg`` entries pre-flipped, and the emoticons it lacks."""
    lex = LEXICONS[key]
    merged = dict(lex)
    merged.update({w + "_neg": v * _NEG_SCALAR for w, v in lex.items()})
    pos = {e for e in POS_EMOTICONS if e not in lex}
    neg = {e for e in NEG_EMOTICONS if e not in lex}
    return (
        merged,
        frozenset(pos | {e + "_neg" for e in pos}),
        frozenset(neg | {e + "_neg" for e in neg}),
    )


LEXICONS: dict[int, dict[str, float]] = {}


def lexicon_features(toks: Sequence[str], raw: str, lex: dict[str, float]) -> list[float]:
    """Dense lexicon and shape cues for one text (``N_LEXICON_FEATURES`` floats).

    Lexicon values of words inside a negation's scope are flipped and damped
    (VADER's factor); emoticons the lexicon lacks are counted apart.
    """
    key = id(lex)
    if key not in LEXICONS:
        LEXICONS[key] = lex
    merged, pos_emo, neg_emo = lexicon_tables(key)
    vals = [v for v in map(merged.get, toks) if v is not None]
    positive = [v for v in vals if v > 0]
    pos = sum(positive)
    neg = sum(vals) - pos
    n_pos = len(positive)
    n_neg = len(vals) - n_pos
    hi = max(0.0, max(vals)) if vals else 0.0
    lo = min(0.0, min(vals)) if vals else 0.0
    last = vals[-1] if vals else 0.0
    emo_pos = sum(map(pos_emo.__contains__, toks))
    emo_neg = sum(map(neg_emo.__contains__, toks))
    caps, bangs, quest, elong = shape_features(raw)
    return [
        pos / 4.0,
        neg / 4.0,
        float(n_pos),
        float(n_neg),
        hi / 4.0,
        lo / 4.0,
        last / 4.0,
        float(emo_pos),
        float(emo_neg),
        min(caps, 5) / 5.0,
        min(bangs, 5) / 5.0,
        min(quest, 5) / 5.0,
        min(elong, 3) / 3.0,
        (pos + neg) / (1.0 + abs(pos + neg)),
    ]
