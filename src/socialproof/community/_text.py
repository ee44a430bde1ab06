"""The text models' shared featurisation, and the linear models built on it.

Sentiment, spam, toxicity and the themes read texts through this module. Its parts live
beside it: ``_text_tokens.py`` (cleaning, the social tokeniser, shape cues, a batch as
strings), ``_text_lexicon.py`` (the lexicon and the dense cues of one text),
``_text_vocab.py`` (the token ids and chunk tokenisations kept between batches),
``_text_featurise.py`` (:func:`featurise`: hashed sparse and dense features of a batch)
and ``_text_embed.py`` (static embeddings: :func:`embed`, :func:`embed_with`). This
module keeps the linear models over those features (:class:`LinearTextModel`,
:func:`load_linear`), and every public name stays importable from it (``__all__``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any

from socialproof.community._text_embed import (
    STATIC_TABLES,
    embed,
    embed_with,
    static_table,
    wordpiece,
)
from socialproof.community._text_featurise import (
    FeatureConfig,
    char_ngram_matrix,
    featurise,
    l2_normalise_binary,
)
from socialproof.community._text_lexicon import (
    N_LEXICON_FEATURES,
    lexicon,
    lexicon_features,
    models_dir,
)
from socialproof.community._text_tokens import (
    MAX_CHARS,
    NEG_EMOTICONS,
    POS_EMOTICONS,
    as_texts,
    clean,
    is_emoticon_negative,
    is_emoticon_positive,
    normalise,
    shape_features,
    split_hashtag,
    tokens,
)
from socialproof.community._text_vocab import clear_feature_caches
from socialproof.errors import BadInput

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    import numpy as np
    import scipy.sparse as sp

__all__ = [  # the text models' face; the names that moved out stay importable from here
    "MAX_CHARS",
    "NEG_EMOTICONS",
    "N_LEXICON_FEATURES",
    "POS_EMOTICONS",
    "STATIC_TABLES",
    "FeatureConfig",
    "Features",
    "LinearTextModel",
    "as_texts",
    "char_ngram_matrix",
    "clean",
    "clear_feature_caches",
    "embed",
    "embed_with",
    "featurise",
    "is_emoticon_negative",
    "is_emoticon_positive",
    "l2_normalise_binary",
    "lexicon",
    "lexicon_features",
    "load_linear",
    "models_dir",
    "normalise",
    "shape_features",
    "split_hashtag",
    "static_table",
    "tokens",
    "wordpiece",
]


@dataclass
class Features:
    """Featurised batch: hashed sparse, dense lexicon and (maybe) embedding blocks."""

    sparse: sp.csr_matrix
    dense: np.ndarray
    embeddings: np.ndarray | None = None
    tables: dict[str, np.ndarray] = field(default_factory=dict)  # name -> its static block


@dataclass
class LinearTextModel:
    """Weights of a linear model over ``featurise`` output, as stored in an ``.npz``."""

    config: FeatureConfig
    coef_t: np.ndarray  # (n_features, n_outputs) float32, C-contiguous
    dense_coef_t: np.ndarray  # (N_LEXICON_FEATURES, n_outputs)
    intercept: np.ndarray  # (n_outputs,)
    meta: dict[str, Any] = field(default_factory=dict)
    emb_coef_t: np.ndarray | None = None  # (embedding dims, n_outputs): static embeddings too
    # a second static block (a packaged table of STATIC_TABLES, same tokens as ``embed``)
    table: str | None = None
    table_coef_t: np.ndarray | None = None  # (its dims, n_outputs)

    def features(self, texts: Sequence[str]) -> Features:
        """What ``decision_from`` needs; models with equal configs can share it (the
        features of a model with a ``table`` serve one without it too)."""
        sparse, dense = featurise(texts, self.config, lexicon())
        emb = None
        tables = {}
        if self.table is not None:
            emb, tables[self.table] = embed_with(texts, [self.table])
        elif self.emb_coef_t is not None:
            emb = embed(texts)
        return Features(sparse, dense, emb, tables)

    def decision_from(self, feats: Features) -> np.ndarray:
        """Raw scores from precomputed features, shape (n, n_outputs)."""
        import numpy as np

        out: np.ndarray = np.asarray(feats.sparse @ self.coef_t)
        out += feats.dense @ self.dense_coef_t
        if self.emb_coef_t is not None:
            if feats.embeddings is None:
                raise ValueError("this model needs embeddings in its features")
            out += feats.embeddings @ self.emb_coef_t
        if self.table is not None and self.table_coef_t is not None:
            block = feats.tables.get(self.table)
            if block is None:
                raise ValueError(f"this model needs the {self.table!r} block in its features")
            out += block @ self.table_coef_t
        out += self.intercept
        return out

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        """Raw scores, shape (n, n_outputs)."""
        import numpy as np

        if not texts:
            return np.zeros((0, len(self.intercept)), dtype=np.float32)
        return self.decision_from(self.features(texts))

    def save(self, path: Path) -> None:
        import numpy as np

        meta = dict(self.meta, config=self.config.__dict__)
        if self.table is not None:
            meta["table"] = self.table
        coef16 = self.coef_t.astype(np.float16)
        used = np.flatnonzero(coef16.any(axis=1)).astype(np.uint32)
        arrays: dict[str, np.ndarray] = {
            # only the hash buckets that carry weight: fast to load, small on disk
            "coef_rows": used,
            "coef_vals": coef16[used],
            "n_features": np.array([self.coef_t.shape[0]], dtype=np.int64),
            "dense_coef": self.dense_coef_t.T.astype(np.float32),
            "intercept": self.intercept.astype(np.float32),
            "meta": np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8),
        }
        if self.emb_coef_t is not None:
            arrays["emb_coef"] = self.emb_coef_t.T.astype(np.float32)
        if self.table_coef_t is not None:
            arrays["table_coef"] = self.table_coef_t.T.astype(np.float32)
        np.savez(path, **arrays)  # type: ignore[arg-type]


def load_linear(name: str) -> LinearTextModel:
    """Load ``data/models/<name>.npz`` (a missing file is a broken install: say so)."""
    import numpy as np

    path = models_dir() / f"{name}.npz"
    try:
        with resources.as_file(path) as real, np.load(real, allow_pickle=False) as npz:
            meta = json.loads(bytes(npz["meta"]).decode("utf-8"))
            if "coef_rows" in npz.files:
                vals = npz["coef_vals"]
                coef_t = np.zeros((int(npz["n_features"][0]), vals.shape[1]), dtype=np.float32)
                coef_t[npz["coef_rows"]] = vals
            else:
                coef_t = np.ascontiguousarray(npz["coef"].astype(np.float32).T)
            dense_t = np.ascontiguousarray(npz["dense_coef"].astype(np.float32).T)
            intercept = npz["intercept"].astype(np.float32)
            emb_t = (
                np.ascontiguousarray(npz["emb_coef"].astype(np.float32).T)
                if "emb_coef" in npz.files
                else None
            )
            table_t = (
                np.ascontiguousarray(npz["table_coef"].astype(np.float32).T)
                if "table_coef" in npz.files
                else None
            )
    except FileNotFoundError as exc:
        raise BadInput(
            f"The packaged model {name!r} is missing.",
            hint=f"Reinstall socialproof, or rebuild it with the scripts/train_*.py script ({name}).",
        ) from exc
    config = FeatureConfig(**meta.pop("config"))
    table = meta.get("table")
    if (table is None) != (table_t is None):
        raise BadInput(
            f"The packaged model {name!r} is inconsistent (a static table without weights).",
            hint=f"Reinstall socialproof, or rebuild it with the scripts/train_*.py script ({name}).",
        )
    return LinearTextModel(config, coef_t, dense_t, intercept, meta, emb_t, table, table_t)
