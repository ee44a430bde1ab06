"""Text normalisation and tokenisation shared by the text models.

Social text needs its own tokeniser: ``@handles`` become ``@user``, links
become ``<url>``, ``#HashTags`` keep the tag and its words, elongations
(``soooo``) shrink to two letters and leave an ``<elong>`` marker, emoji and
emoticons are tokens of their own, and words after a negation (``not``,
``don't``, ``never`` ...) carry a ``_neg`` suffix up to the next punctuation
mark, so "not good" and "good" are different features.

Everything here is plain Python over one text at a time, fast enough to be
called on batches from the models (and from Spark pandas UDFs later).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from socialproof.errors import BadInput

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from importlib.resources.abc import Traversable
    from pathlib import Path

    import numpy as np
    import scipy.sparse as sp

MAX_CHARS = 2_000
"""Longer texts are cut to this many characters before scoring (the models
were trained on tweets and comments; a 50,000-character message still gets a
label, from its first 2,000 characters)."""

_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|net|org|ly|io|co)(?:/\S*)?\b", re.I)
_MENTION = re.compile(r"@\w+")
_ELONG = re.compile(r"(\w)\1{2,}")
_CAPS_WORD = re.compile(r"(?<!\S)[A-Z]{3,}(?!\S)")
_HAS_UPPER_RUN = re.compile(r"[A-Z]{3}")
_SURROGATE = re.compile("[\ud800-\udfff]")

# Emoticons first (":-)" must not split into punctuation), then URLs/markers,
# @user, #tags, words with inner apostrophes, numbers, emoji, punctuation runs.
_EMOTICON = (
    r"(?:[<>]?[:;=8][\-o\*']?[\)\]\(\[dDpP/\:\}\{@\|\\3]"
    r"|[\)\]\(\[dDpP/\:\}\{@\|\\][\-o\*']?[:;=8][<>]?|<3|</3|\^_*\^|-_+-|[xX]D+\b)"
)
_TOKEN = re.compile(
    _EMOTICON
    + r"|<url>|<elong>|@user|#\w+|\w+(?:['’]\w+)*"
    + r"|[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u2300-\u23FF\u2190-\u21FF\u3297\u3299]"
    + r"|[!?]+|[.,:;]+"
)
_PUNCT = frozenset(".,:;!?")
_NEGATIONS = frozenset(
    """not no never none nobody nothing neither nor nowhere cannot cant dont doesnt didnt
    isnt arent wasnt werent wont wouldnt shouldnt couldnt hasnt havent hadnt aint
    without hardly barely""".split()
)
_NEG_SCOPE = 4
POS_EMOTICONS = frozenset(":) :-) :d :-d =) ;) ;-) :p :-p ^^ ^_^ xd <3 (: :] =] 8)".split())
NEG_EMOTICONS = frozenset(":( :-( :'( ): =( :[ :/ :-/ :\\ </3 -_- >:(".split())


def clean(text: str) -> str:
    """Cut, normalise Unicode (NFC), drop control characters, collapse whitespace."""
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS]
    if _SURROGATE.search(text):  # lone surrogates (from undecodable bytes) break encoders
        text = _SURROGATE.sub("\ufffd", text)
    text = unicodedata.normalize("NFC", text)
    if "\ufe0f" in text or "\u200d" in text:
        text = text.replace("\ufe0f", "").replace("\u200d", " ")
    return " ".join(text.split())


def normalise(text: str) -> str:
    """Clean, then replace links and handles and shrink elongations (keeps case)."""
    text = clean(text)
    if "." in text:  # every link form the pattern knows has a dot
        text = _URL.sub(" <url> ", text)
    if "@" in text:
        text = _MENTION.sub("@user", text)
    return _ELONG.sub(r"\1\1 <elong>", text)


def split_hashtag(tag: str) -> list[str]:
    """``#SocialMediaTips`` -> ``['social', 'media', 'tips']`` (lowercase words)."""
    body = tag.lstrip("#")
    parts = re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+", body)
    return [p.lower() for p in parts] if parts else [body.lower()]


def tokens(text: str) -> list[str]:
    """Lowercase tokens of a normalised text, hashtags expanded, negation scope marked."""
    norm = normalise(text)
    has_tag = "#" in norm
    out: list[str] = []
    append = out.append
    neg_left = 0
    negations = _NEGATIONS
    for raw in _TOKEN.findall(norm if has_tag else norm.lower()):
        first = raw[0]
        if first in _PUNCT:
            neg_left = 0
            append(raw[:3])
            continue
        if has_tag:
            tok = raw.lower()
            if first == "#" and len(raw) > 1:
                append(tok)
                for word in split_hashtag(raw):
                    if neg_left > 0:
                        append(word + "_neg")
                        neg_left -= 1
                    else:
                        append(word)
                continue
        else:
            tok = raw
        if "’" in tok:
            tok = tok.replace("’", "'")
        if neg_left > 0 and first.isalnum():
            append(tok + "_neg")
            neg_left -= 1
        else:
            append(tok)
        if tok in negations or tok.endswith("n't"):
            neg_left = _NEG_SCOPE
    return out


def is_emoticon_positive(token: str) -> bool:
    return token in POS_EMOTICONS


def is_emoticon_negative(token: str) -> bool:
    return token in NEG_EMOTICONS


def shape_features(text: str) -> tuple[int, int, int, int]:
    """(ALL-CAPS words, '!' count, '?' count, elongations) of a raw text."""
    caps = len(_CAPS_WORD.findall(text)) if _HAS_UPPER_RUN.search(text) else 0
    return caps, text.count("!"), text.count("?"), len(_ELONG.findall(text))


# --------------------------------------------------------------------------
# Hashed features and the linear models built on them (sentiment, moderation)
# --------------------------------------------------------------------------

N_LEXICON_FEATURES = 14
_NEG_SCALAR = -0.74  # VADER's factor for a negated lexicon word


@dataclass(frozen=True)
class FeatureConfig:
    """How texts become features; stored in each artifact so training and scoring agree."""

    n_features: int = 2**20
    char_min: int = 3
    char_max: int = 5
    char_weight: float = 0.5


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
def _lexicon_tables(key: int) -> tuple[dict[str, float], frozenset[str], frozenset[str]]:
    """The lexicon with ``word_neg`` entries pre-flipped, and the emoticons it lacks."""
    lex = _LEXICONS[key]
    merged = dict(lex)
    merged.update({w + "_neg": v * _NEG_SCALAR for w, v in lex.items()})
    pos = {e for e in POS_EMOTICONS if e not in lex}
    neg = {e for e in NEG_EMOTICONS if e not in lex}
    return (
        merged,
        frozenset(pos | {e + "_neg" for e in pos}),
        frozenset(neg | {e + "_neg" for e in neg}),
    )


_LEXICONS: dict[int, dict[str, float]] = {}


def lexicon_features(toks: Sequence[str], raw: str, lex: dict[str, float]) -> list[float]:
    """Dense lexicon and shape cues for one text (``N_LEXICON_FEATURES`` floats).

    Lexicon values of words inside a negation's scope are flipped and damped
    (VADER's factor); emoticons the lexicon lacks are counted apart.
    """
    key = id(lex)
    if key not in _LEXICONS:
        _LEXICONS[key] = lex
    merged, pos_emo, neg_emo = _lexicon_tables(key)
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


def _word_analyzer(toks: list[str]) -> list[str]:
    return toks + [f"{a} {b}" for a, b in zip(toks, toks[1:], strict=False)]


def char_ngram_matrix(docs: Sequence[str], lo: int, hi: int, n_features: int) -> sp.csr_matrix:
    """Binary hashed character n-grams (``lo``..``hi``) of each doc, vectorised in NumPy.

    A polynomial hash over code points, so bucket numbers are the same on every
    machine and Python version (no vocabulary to store).
    """
    import numpy as np
    import scipy.sparse as sp

    padded = [f" {d} " for d in docs]
    lengths = np.fromiter((len(p) for p in padded), dtype=np.int64, count=len(padded))
    joined = "".join(padded)
    codes = np.frombuffer(joined.encode("utf-32-le", "replace"), dtype=np.uint32).astype(np.uint64)
    doc_of = np.repeat(np.arange(len(docs), dtype=np.int64), lengths)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    total = len(codes)
    mult = np.uint64(1_000_003)
    with np.errstate(over="ignore"):
        for n in range(lo, hi + 1):
            if total < n:
                break
            width = total - n + 1
            h = np.full(width, np.uint64(n * 7919), dtype=np.uint64)
            for k in range(n):
                h = h * mult + codes[k : k + width]
            ok = doc_of[:width] == doc_of[n - 1 : n - 1 + width]
            h = h[ok]
            h ^= h >> np.uint64(29)
            h *= np.uint64(0xBF58476D1CE4E5B9)
            h ^= h >> np.uint64(32)
            rows.append(doc_of[:width][ok])
            cols.append((h % np.uint64(n_features)).astype(np.int64))
    r = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    c = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    m = sp.csr_matrix((np.ones(len(r), dtype=np.float32), (r, c)), shape=(len(docs), n_features))
    m.data[:] = 1.0
    return m


def featurise(
    texts: Sequence[str], config: FeatureConfig, lex: dict[str, float]
) -> tuple[sp.csr_matrix, np.ndarray]:
    """Hashed sparse features (l2-normalised) and dense lexicon features for a batch."""
    import numpy as np
    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.preprocessing import normalize

    toks_list = [tokens(text) for text in texts]
    dense = np.array(
        [lexicon_features(toks, text, lex) for toks, text in zip(toks_list, texts, strict=True)],
        dtype=np.float32,
    ).reshape(len(texts), N_LEXICON_FEATURES)
    vec = HashingVectorizer(
        analyzer=_word_analyzer,
        n_features=config.n_features,
        alternate_sign=False,
        binary=True,
        norm=None,
        dtype=np.float32,
    )
    words = vec.transform(toks_list)
    if config.char_weight > 0:
        norms = [" ".join(toks) for toks in toks_list]
        chars = char_ngram_matrix(norms, config.char_min, config.char_max, config.n_features)
        words = words + chars * np.float32(config.char_weight)
    return normalize(words, norm="l2", copy=False), dense


def as_texts(texts: Iterable[object]) -> list[str]:
    """A batch as a list of strings: None/NaN become empty texts; one bare string is refused."""
    if isinstance(texts, str):
        raise BadInput(
            "Text models take a list of texts, not one string.",
            hint="Wrap it in a list: predict([text]).",
        )
    out: list[str] = []
    for text in texts:
        if text is None or (isinstance(text, float) and text != text):
            out.append("")
        elif isinstance(text, str):
            out.append(text)
        elif isinstance(text, bytes):
            out.append(text.decode("utf-8", "replace"))
        else:
            out.append(str(text))
    return out


@dataclass
class Features:
    """Featurised batch: hashed sparse, dense lexicon and (maybe) embedding blocks."""

    sparse: sp.csr_matrix
    dense: np.ndarray
    embeddings: np.ndarray | None = None


@dataclass
class LinearTextModel:
    """Weights of a linear model over ``featurise`` output, as stored in an ``.npz``."""

    config: FeatureConfig
    coef_t: np.ndarray  # (n_features, n_outputs) float32, C-contiguous
    dense_coef_t: np.ndarray  # (N_LEXICON_FEATURES, n_outputs)
    intercept: np.ndarray  # (n_outputs,)
    meta: dict[str, Any] = field(default_factory=dict)
    emb_coef_t: np.ndarray | None = None  # (embedding dims, n_outputs): static embeddings too

    def features(self, texts: Sequence[str]) -> Features:
        """What ``decision_from`` needs; models with equal configs can share it."""
        sparse, dense = featurise(texts, self.config, lexicon())
        emb = None
        if self.emb_coef_t is not None:
            emb = embed(texts)
        return Features(sparse, dense, emb)

    def decision_from(self, feats: Features) -> np.ndarray:
        """Raw scores from precomputed features, shape (n, n_outputs)."""
        import numpy as np

        out: np.ndarray = np.asarray(feats.sparse @ self.coef_t)
        out += feats.dense @ self.dense_coef_t
        if self.emb_coef_t is not None:
            if feats.embeddings is None:
                raise ValueError("this model needs embeddings in its features")
            out += feats.embeddings @ self.emb_coef_t
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
    except FileNotFoundError as exc:
        raise BadInput(
            f"The packaged model {name!r} is missing.",
            hint=f"Reinstall socialproof, or rebuild it with the scripts/train_*.py script ({name}).",
        ) from exc
    config = FeatureConfig(**meta.pop("config"))
    return LinearTextModel(config, coef_t, dense_t, intercept, meta, emb_t)


# ----------------------------------------------------------------- embeddings


# BERT's pre-tokeniser on lowercase printable ASCII: runs of letters and digits, and
# every other character (all ASCII symbols are punctuation to it) alone; spaces split
_ASCII_WORD = re.compile(r"[a-z0-9]+|[^a-z0-9 ]")
_WORD_CACHE_MAX = 500_000


@dataclass
class _Static:
    model: Any  # model2vec.StaticModel
    words: dict[str, list[int]] = field(default_factory=dict)  # word -> WordPiece ids

    def encode(self, texts: list[str]) -> np.ndarray:
        """Mean token vector of each text, l2-normalised: what ``model.encode`` gives.

        Printable-ASCII texts (most social text) are split into words as the BERT
        pre-tokeniser splits them, and each distinct word is run through the tokenizer
        once (cached), so a batch costs a dictionary lookup per word; other texts go
        through ``model.encode`` itself.
        """
        import numpy as np

        model = self.model
        out = np.zeros((len(texts), model.dim), dtype=np.float32)
        if not texts:
            return out
        limit = model.max_length
        cut = None if limit is None else limit * model.median_token_length
        fast: list[int] = []
        split: list[list[str]] = []
        slow: list[int] = []
        for i, text in enumerate(texts):
            if cut is not None:
                text = text[:cut]
            if text.isascii() and text.isprintable():
                fast.append(i)
                split.append(_ASCII_WORD.findall(text.lower()))
            else:
                slow.append(i)
        if slow:
            got = model.encode(
                [texts[i] for i in slow], show_progress_bar=False, use_multiprocessing=False
            )
            out[slow] = got
        if fast:
            self._learn({w for words in split for w in words})
            vocab = self.words
            unk = model.unk_token_id
            ids_of: list[list[int]] = []
            for words in split:
                ids = [t for w in words for t in vocab[w]]
                if limit is not None and len(ids) > limit:
                    del ids[limit:]
                if unk is not None and unk in ids:
                    ids = [t for t in ids if t != unk]
                ids_of.append(ids)
            import scipy.sparse as sp

            lengths = np.fromiter(map(len, ids_of), dtype=np.int64, count=len(ids_of))
            flat = np.fromiter(
                (t for ids in ids_of for t in ids), dtype=np.int64, count=int(lengths.sum())
            )
            indptr = np.concatenate([[0], np.cumsum(lengths)])
            table = model.embedding
            counts = sp.csr_matrix(
                (np.ones(len(flat), dtype=np.float32), flat, indptr),
                shape=(len(ids_of), table.shape[0]),
            )
            means = np.asarray(counts @ table, dtype=np.float32)
            means /= np.maximum(lengths, 1)[:, None].astype(np.float32)
            if model.normalize:
                means /= np.linalg.norm(means, axis=1, keepdims=True) + 1e-32
            out[fast] = means
        return out

    def _learn(self, words: set[str]) -> None:
        """WordPiece ids of the words not seen yet (one tokenizer call for all)."""
        new = [w for w in words if w not in self.words]
        if not new:
            return
        if len(self.words) + len(new) > _WORD_CACHE_MAX:
            self.words.clear()
        encoded = self.model.tokenizer.encode_batch_fast(new, add_special_tokens=False)
        for word, enc in zip(new, encoded, strict=True):
            self.words[word] = list(enc.ids)


@lru_cache(maxsize=1)
def _static() -> _Static:
    import numpy as np
    from model2vec import StaticModel
    from tokenizers import Tokenizer

    folder = resources.files("socialproof") / "data" / "models" / "minilm_static"
    try:
        with resources.as_file(folder / "embeddings.npz") as path, np.load(path) as npz:
            vectors = npz["q"].astype(np.float32) * npz["scale"].astype(np.float32)[:, None]
        tokenizer = Tokenizer.from_str((folder / "tokenizer.json").read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BadInput(
            "The packaged embedding model is missing.",
            hint="Reinstall socialproof, or rebuild it with scripts/distill_embeddings.py.",
        ) from exc
    return _Static(StaticModel(vectors=vectors, tokenizer=tokenizer, normalize=True))


def embed(texts: Iterable[str]) -> np.ndarray:
    """L2-normalised static embeddings, shape (n, 256), float32 (zeros for empty texts)."""
    batch = [clean(t) for t in as_texts(texts)]
    return _static().encode(batch)
