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
from itertools import compress, repeat
from operator import is_
from typing import TYPE_CHECKING, Any

from socialproof.community._token_arrays import NEGATABLE, RESET, TRIGGER
from socialproof.errors import BadInput

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence
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
    if text.isascii():  # nothing to normalise
        return " ".join(text[:MAX_CHARS].split())
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


_TAG_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def split_hashtag(tag: str) -> list[str]:
    """``#SocialMediaTips`` -> ``['social', 'media', 'tips']`` (lowercase words)."""
    body = tag.lstrip("#")
    parts = _TAG_WORD.findall(body)
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


def char_ngram_matrix(docs: Sequence[str], lo: int, hi: int, n_features: int) -> sp.csr_matrix:
    """Binary hashed character n-grams (``lo``..``hi``) of each doc, vectorised in NumPy.

    A polynomial hash over code points, so bucket numbers are the same on every
    machine and Python version (no vocabulary to store). The matrix is built in
    canonical form (sorted, no duplicates) from one sort of ``doc * n_features +
    bucket`` keys: the matrix SciPy's COO-to-CSR gives with duplicates summed and the
    values set to 1, without its per-row sorts.
    """
    import numpy as np
    import scipy.sparse as sp

    n_docs = len(docs)
    padded = [f" {d} " for d in docs]
    lengths = np.fromiter((len(p) for p in padded), dtype=np.int64, count=n_docs)
    codes = np.frombuffer("".join(padded).encode("utf-32-le", "replace"), dtype=np.uint32)
    doc_of = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
    # a power of two (the models' sizes) splits a key with a shift and a mask, the same
    # numbers as // and % (every value here is non-negative), at a fraction of the cost
    shift = n_features.bit_length() - 1 if n_features & (n_features - 1) == 0 else None
    keys: list[np.ndarray] = []
    for hashes, ok in _ngram_hashes(codes.astype(np.uint64), doc_of, lo, hi):
        if shift is None:
            buckets = (hashes % np.uint64(n_features)).astype(np.int64)
            keys.append(doc_of[: len(ok)][ok] * n_features + buckets)
        else:
            buckets = (hashes & np.uint64(n_features - 1)).astype(np.int64)
            keys.append((doc_of[: len(ok)][ok] << shift) | buckets)
    cells = _sorted_unique(np.concatenate(keys)) if keys else np.zeros(0, dtype=np.int64)
    if shift is None:
        rows, columns = cells // n_features, cells % n_features
    else:
        rows, columns = cells >> shift, cells & (n_features - 1)
    indptr = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n_docs), out=indptr[1:])
    m = sp.csr_matrix(
        (np.ones(len(cells), dtype=np.float32), columns.astype(np.int32), indptr),
        shape=(n_docs, n_features),
    )
    m.has_canonical_format = True
    return m


def _ngram_hashes(
    codes: np.ndarray, doc_of: np.ndarray, lo: int, hi: int
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Per n in ``lo``..``hi``: the mixed hash of each n-gram within one doc, and the
    mask (over every start position) of the n-grams that stay within one doc.

    The hash of the n-gram at i is ``n * 7919`` followed by its code points, each step
    ``h * 1_000_003 + code`` (mod 2**64), then mixed. The code-point part grows one code
    point per n (``h_n = h_(n-1) * m + code``); the seed's part is ``n * 7919 * m**n``:
    the same numbers, mod 2**64, as hashing each n from its seed.
    """
    import numpy as np

    total = len(codes)
    mult = np.uint64(1_000_003)
    with np.errstate(over="ignore"):
        poly: np.ndarray | None = None
        power = np.uint64(1)
        for n in range(1, hi + 1):
            if total < n:
                break
            width = total - n + 1
            poly = codes[:width].copy() if poly is None else poly[:width] * mult + codes[n - 1 :]
            power = power * mult
            if n < lo:
                continue
            h = poly + np.uint64(n * 7919) * power
            ok = doc_of[:width] == doc_of[n - 1 :]
            h = h[ok]
            h ^= h >> np.uint64(29)
            h *= np.uint64(0xBF58476D1CE4E5B9)
            h ^= h >> np.uint64(32)
            yield h, ok


# ----------------------------------------------------------- fast featurisation
#
# ``featurise`` gives exactly what ``tokens`` + ``lexicon_features`` + sklearn's
# HashingVectorizer gave per text (tests/community/test_featurise.py pins it), but works on
# a batch: a text is cut into whitespace-separated chunks, and each distinct chunk is
# normalised and tokenised once (tokens never span whitespace, and the only text-wide
# inputs, "has the text a dot" (link rule) and "has it a hashtag" (case rule), are part of
# the cache key). Tokens get integer ids; hash buckets, lexicon values and bigram hashes are
# then gathered with NumPy over the whole batch instead of per token in Python.

_CHUNK_CACHE_MAX = 300_000  # distinct chunks kept (all caches are cleared together past it)
_VOCAB_MAX = 500_000  # distinct tokens kept
_SEP = "\x00"  # between the texts of a joined batch (a batch with one in a text goes text by text)

# One token of a chunk: (id, what takes "_neg" in a negation scope (None: nothing),
# starts a negation scope, ends one)
_Entry = tuple[int, str | None, bool, bool]
# A chunk's tokens: (plain ids, any token starts a negation scope, entries)
_ChunkTokens = tuple[list[int], bool, tuple[_Entry, ...]]
# Per chunk: (normalised chunk has "#", tokens when the text has no hashtag, tokens when it has)
_ChunkEntry = tuple[bool, _ChunkTokens, _ChunkTokens]


class _Vocab:
    """Token ids, their murmur hashes and chunk tokenisations, shared by all batches."""

    def __init__(self) -> None:
        import threading

        self.lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        import numpy as np

        self.ids: dict[str, int] = {}
        self.strings: list[str] = []
        self.hashes = np.zeros(0, dtype=np.int64)  # murmurhash3_32 (signed) of each id
        self.plain: dict[str, _ChunkTokens] = {}  # chunk -> tokens (text without hashtags)
        self.chunks: dict[str, _ChunkEntry] = {}  # chunk -> both ways (text with a "#")
        self.lex_tables: dict[int, tuple[dict[str, float], np.ndarray, np.ndarray]] = {}
        # UTF-8 bytes of every id (after a space at 0), for the bigram hashes
        self.tbuf = np.full(1, 32, dtype=np.uint8)
        self.toff = np.zeros(0, dtype=np.int64)
        self.tlen = np.zeros(0, dtype=np.int64)
        # ``batch_ids``: a variant is one tokenisation of a chunk key (its tokens are
        # t_ids[v_start[v]:v_start[v + 1]], with _token_arrays flags); variant 0 is the
        # separator between texts (no tokens)
        self.raw: dict[str, int] = {}  # raw chunk -> plain variant (-1: the text's dot decides)
        self.variants: dict[str, int] = {}  # chunk key -> its plain variant
        self.v_key: list[str] = []
        self.v_start: list[int] = [0]
        self.v_tag: list[bool] = []  # the key has a hashtag (its text takes the tagged variants)
        self.v_tagged: list[int] = []  # the tagged variant of a plain one (-1: not made yet)
        self.t_ids: list[int] = []
        self.t_flags: list[int] = []
        self.v_np = (
            np.zeros(1, dtype=np.int64),
            np.zeros(0, dtype=np.int64),
            np.zeros(0, dtype=np.int64),
            np.zeros(0, dtype=bool),
        )
        self.raw[_SEP] = self._add_variant("", ([], False, ()), False)

    def id_of(self, token: str) -> int:
        got = self.ids.get(token)
        if got is None:
            got = self.ids[token] = len(self.strings)
            self.strings.append(token)
        return got

    def chunk_tokens(self, key: str, has_tag: bool) -> _ChunkTokens:
        """``tokens()`` of one chunk, as entries a negation scope can run through.

        ``key`` is the chunk, or ``"\\n" + chunk`` for a dot-less chunk with "://" in a
        text that has a dot elsewhere (the link rule runs on texts with a dot only).
        """
        id_of = self.id_of
        simple = _SIMPLE_CHUNK.fullmatch(key)
        if simple is not None and not _ELONG.search(key):
            # a plain ASCII word, maybe with a run of [.,] or [!?] after it (most new
            # chunks): the word and the punctuation run (cut to 3) are the tokens either
            # way; no link, handle, hashtag or emoticon can start in it
            word = simple[1].lower()
            trigger = word in _NEGATIONS or word.endswith("n't")
            head: _Entry = (id_of(word), word, trigger, False)
            punct = simple[2]
            if not punct:
                return [head[0]], trigger, (head,)
            tail: _Entry = (id_of(punct[:3]), None, False, True)
            return [head[0], tail[0]], trigger, (head, tail)
        norm = key.lstrip("\n")
        if "." in key or key[0] == "\n":
            norm = _URL.sub(" <url> ", norm)
        if "@" in norm:
            norm = _MENTION.sub("@user", norm)
        if _ELONG.search(norm):  # (most chunks have none: no template expanded)
            norm = _ELONG.sub(r"\1\1 <elong>", norm)
        entries: list[_Entry] = []
        any_trigger = False
        for raw in _TOKEN.findall(norm if has_tag else norm.lower()):
            first = raw[0]
            if first in _PUNCT:
                entries.append((id_of(raw[:3]), None, False, True))
                continue
            tok = raw.lower() if has_tag else raw
            if has_tag and first == "#" and len(raw) > 1:
                entries.append((id_of(tok), None, False, False))
                for word in split_hashtag(raw):
                    entries.append((id_of(word), word, False, False))
                continue
            if "’" in tok:
                tok = tok.replace("’", "'")
            trigger = tok in _NEGATIONS or tok.endswith("n't")
            any_trigger = any_trigger or trigger
            entries.append((id_of(tok), tok if first.isalnum() else None, trigger, False))
        return [e[0] for e in entries], any_trigger, tuple(entries)

    def plain_chunk(self, key: str) -> _ChunkTokens:
        """A chunk's tokens in a text without hashtags (cached)."""
        got = self.plain.get(key)
        if got is None:
            got = self.plain[key] = self.chunk_tokens(key, False)
        return got

    def chunk(self, key: str) -> _ChunkEntry:
        """A chunk's tokens either way, and whether it holds a hashtag (cached)."""
        got = self.chunks.get(key)
        if got is None:
            if _TAG_CHUNK.fullmatch(key) and not _ELONG.search(key):
                # "#SocialMedia" (most new chunks of tweets): the tag and its words, as
                # ``chunk_tokens`` gives them, without the regular expressions
                tag = key.lower()
                head: _Entry = (self.id_of(tag), None, False, False)
                plain: _ChunkTokens = ([head[0]], False, (head,))
                self.plain[key] = plain
                entries = [head] + [(self.id_of(w), w, False, False) for w in split_hashtag(key)]
                tagged = ([e[0] for e in entries], False, tuple(entries))
                got = self.chunks[key] = (True, plain, tagged)
                return got
            plain = self.plain_chunk(key)
            if "#" not in key and _SIMPLE_CHUNK.fullmatch(key):
                got = self.chunks[key] = (False, plain, plain)  # a word: same either way
                return got
            tagged = self.chunk_tokens(key, True)
            if tagged == plain:
                tagged = plain  # keep one copy
            norm = key.lstrip("\n")
            if "." in key or key[0] == "\n":
                norm = _URL.sub(" <url> ", norm)
            got = self.chunks[key] = ("#" in norm, plain, tagged)
        return got

    def _add_variant(self, key: str, toks: _ChunkTokens, tag: bool) -> int:
        v = len(self.v_key)
        self.v_key.append(key)
        self.v_tag.append(tag)
        self.v_tagged.append(-1)
        self.t_ids.extend(toks[0])
        self.t_flags.extend(
            [
                (negatable is not None) | trigger << 1 | reset << 2
                for _, negatable, trigger, reset in toks[2]
            ]
        )
        self.v_start.append(len(self.t_ids))
        return v

    def _plain_variant(self, key: str) -> int:
        v = self.variants.get(key)
        if v is None:
            tag = "#" in key and self.chunk(key)[0]
            v = self.variants[key] = self._add_variant(key, self.plain_chunk(key), tag)
        return v

    def _tagged_variant(self, v: int) -> int:
        got = self.v_tagged[v]
        if got < 0:
            key = self.v_key[v]
            _, plain, tagged = self.chunk(key)
            same = tagged is plain or tagged == plain
            got = self.v_tagged[v] = v if same else self._add_variant(key, tagged, self.v_tag[v])
        return got

    def ids_of(self, tokens: list[str]) -> list[int]:
        """``id_of`` of each token (new ones added in order)."""
        ids = self.ids
        got = list(map(ids.get, tokens))
        if None in got:
            for token in dict.fromkeys([t for t, g in zip(tokens, got, strict=True) if g is None]):
                ids[token] = len(self.strings)
                self.strings.append(token)
            got = list(map(ids.get, tokens))
        return got  # type: ignore[return-value]

    def _learn_simple(self, chunks: list[str], found: list[tuple[str, str, str]]) -> None:
        """Plain variants of new simple chunks (``_SIMPLE_LINES`` matched them): the
        lowercase word, and the punctuation run cut to 3 (the tokens ``chunk_tokens``
        gives them either way, hashtag or not); chunks with equal tokens share one."""
        raw, variants = self.raw, self.variants
        words = "\n".join([f[1] for f in found]).lower().split("\n")
        # (keys start with a space, which no chunk has: "oooh" is no simple chunk, but
        # "Oooh" is, and its tokens are ["oooh"])
        keys = [" " + w + f[2][:3] for w, f in zip(words, found, strict=True)]
        fresh = {k: (w, f[2][:3]) for k, w, f in zip(keys, words, found, strict=True)}
        fresh = {k: v for k, v in fresh.items() if k not in variants}
        if fresh:
            first = len(self.v_key)
            heads = self.ids_of([w for w, _ in fresh.values()])
            tails = self.ids_of([p for _, p in fresh.values() if p])
            negations = _NEGATIONS
            tail_at = 0
            for (key, (word, punct)), head in zip(fresh.items(), heads, strict=True):
                v = len(self.v_key)
                variants[key] = v
                self.v_key.append(key)
                trigger = word in negations or word.endswith("n't")
                self.t_ids.append(head)
                self.t_flags.append(NEGATABLE | TRIGGER if trigger else NEGATABLE)
                if punct:
                    self.t_ids.append(tails[tail_at])
                    self.t_flags.append(RESET)
                    tail_at += 1
                self.v_start.append(len(self.t_ids))
            added = len(self.v_key) - first
            self.v_tag.extend([False] * added)
            self.v_tagged.extend(range(first, first + added))
        raw.update(zip(chunks, map(variants.__getitem__, keys), strict=True))

    def _learn(self, new: list[str]) -> None:
        """Plain variants of new raw chunks (their keys as ``text_ids`` makes them)."""
        raw = self.raw
        found = _SIMPLE_LINES.findall("\n".join(new))
        if len(found) == len(new):  # (always: one result per line)
            simple = [i for i, f in enumerate(found) if f[1]]
            if simple:
                self._learn_simple([new[i] for i in simple], [found[i] for i in simple])
                new = [c for c, f in zip(new, found, strict=True) if not f[1]]
        variants = self.variants
        keyed: list[tuple[str, str]] = []
        pending: dict[str, None] = {}  # new keys for the regular expressions, all at once
        for chunk in new:
            if "://" in chunk:
                if "." not in chunk:  # a link only when the text has a dot elsewhere
                    raw[chunk] = -1
                    continue
                key = _chunk_key(chunk, True)
            elif "@" in chunk or chunk[:4].lower() == "www.":
                key = _chunk_key(chunk, "." in chunk)
            else:
                key = chunk
            keyed.append((chunk, key))
            if key not in variants and "#" not in key:
                pending[key] = None
        if pending:
            self._learn_lines(
                [k for k in pending if not (_SIMPLE_CHUNK.fullmatch(k) and not _ELONG.search(k))]
            )
        for chunk, key in keyed:
            raw[chunk] = self._plain_variant(key)

    def _learn_lines(self, keys: list[str]) -> None:
        """Plain variants of new hashtag-free keys that need the regular expressions: what
        ``chunk_tokens(key, False)`` gives each, with one pass of each pattern over the keys
        joined by newlines (no pattern matches across a newline; one at a line's end or
        start sees the same word boundary there as at the end or start of a string)."""
        import numpy as np

        if not keys:
            return
        norms = [k.lstrip("\n") for k in keys]
        links = [i for i, k in enumerate(keys) if "." in k or k[0] == "\n"]
        if links:
            subbed = _URL.sub(" <url> ", "\n".join([norms[i] for i in links])).split("\n")
            for i, norm in zip(links, subbed, strict=True):
                norms[i] = norm
        joined = "\n".join(norms)
        if "@" in joined:
            joined = _MENTION.sub("@user", joined)
        joined = _ELONG.sub(r"\1\1 <elong>", joined)
        lines = [line.lower() for line in joined.split("\n")]
        lowered = "\n".join(lines)
        found = [(m.start(), m.group()) for m in _TOKEN.finditer(lowered)]
        sizes = np.fromiter(map(len, lines), dtype=np.int64, count=len(lines))
        line_start = np.cumsum(sizes + 1) - (sizes + 1)
        at = np.fromiter((f[0] for f in found), dtype=np.int64, count=len(found))
        line = np.searchsorted(line_start, at, side="right") - 1
        strings: list[str] = []
        flags: list[int] = []
        punct, negations = _PUNCT, _NEGATIONS
        for _, raw in found:
            first = raw[0]
            if first in punct:
                strings.append(raw[:3])
                flags.append(RESET)
                continue
            tok = raw.replace("’", "'") if "’" in raw else raw
            strings.append(tok)
            flag = NEGATABLE if first.isalnum() else 0
            if tok in negations or tok.endswith("n't"):
                flag |= TRIGGER
            flags.append(flag)
        first_v = len(self.v_key)
        self.t_ids.extend(self.ids_of(strings))
        self.t_flags.extend(flags)
        base = self.v_start[-1]
        ends = np.cumsum(np.bincount(line, minlength=len(keys))) + base
        self.v_start.extend(ends.tolist())
        self.v_key.extend(keys)
        self.v_tag.extend([False] * len(keys))
        self.v_tagged.extend([-1] * len(keys))
        self.variants.update(zip(keys, range(first_v, first_v + len(keys)), strict=True))

    def _arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(v_start, t_ids, t_flags, v_tag) as NumPy (extended by what was added since)."""
        import numpy as np

        starts, ids, flags, tag = self.v_np
        done_v, done_t = len(tag), len(ids)
        if done_v < len(self.v_key):
            self.v_np = starts, ids, flags, tag = (
                np.concatenate([starts, np.asarray(self.v_start[done_v + 1 :], dtype=np.int64)]),
                np.concatenate([ids, np.asarray(self.t_ids[done_t:], dtype=np.int64)]),
                np.concatenate([flags, np.asarray(self.t_flags[done_t:], dtype=np.int64)]),
                np.concatenate([tag, np.asarray(self.v_tag[done_v:], dtype=bool)]),
            )
        return starts, ids, flags, tag

    def batch_ids(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray] | None:
        """Token ids of a batch, text after text (what ``text_ids`` gives), and per text
        how many; ``None`` when a text holds the separator (then go text by text).

        The texts are joined by a separator chunk and split once; each raw chunk maps to
        its tokenisation by one dictionary lookup (new chunks are tokenised once, by
        ``chunk_tokens``); the tokens are gathered, the hashtag case rule applied and
        negation scopes marked with NumPy over the whole batch.
        """
        import numpy as np

        from socialproof.community._token_arrays import negation_scope, ranges

        n = len(texts)
        prepared = [t if len(t) <= MAX_CHARS and t.isascii() else _prepare(t) for t in texts]
        joined = f" {_SEP} ".join(prepared)
        if joined.count(_SEP) != n - 1:
            return None
        chunks = joined.split()
        raw = self.raw
        got = list(map(raw.get, chunks))
        if None in got:
            self._learn(list(dict.fromkeys(compress(chunks, map(is_, got, repeat(None))))))
            got = list(map(raw.get, chunks))
        cid = np.asarray(got, dtype=np.int64)
        end = cid == 0
        doc = np.cumsum(end)  # separators before a chunk: its text
        at = np.flatnonzero(~end)
        cid, doc = cid[at], doc[at]
        if len(cid) and cid.min() < 0:  # "://" without a dot: a link if the text has one
            for j in np.flatnonzero(cid < 0).tolist():
                dot = "." in prepared[int(doc[j])]
                cid[j] = self._plain_variant(_chunk_key(chunks[int(at[j])], dot))
        starts, tids, tflags, ttag = self._arrays()
        if "#" in joined:
            has_tag = ttag[cid]
            if has_tag.any():  # every chunk of a text with a hashtag: the tagged variant
                tagged = np.zeros(n, dtype=bool)
                tagged[doc[has_tag]] = True
                sel = np.flatnonzero(tagged[doc])
                uniq, inv = np.unique(cid[sel], return_inverse=True)
                to = [self._tagged_variant(v) for v in uniq.tolist()]
                cid[sel] = np.asarray(to, dtype=np.int64)[inv]
                starts, tids, tflags, ttag = self._arrays()
        first = starts[cid]
        count = starts[cid + 1] - first
        pos = ranges(first, count)
        ids = tids[pos]
        flags = tflags[pos]
        lengths = np.bincount(doc, weights=count, minlength=n).astype(np.int64)
        if (flags & TRIGGER).any():
            text_start = np.repeat(np.cumsum(lengths) - lengths, lengths)
            scope = negation_scope(flags, text_start, _NEG_SCOPE)
            if scope.any():
                uniq, inv = np.unique(ids[scope], return_inverse=True)
                strings, id_of = self.strings, self.id_of
                neg = [id_of(strings[i] + "_neg") for i in uniq.tolist()]
                ids[scope] = np.asarray(neg, dtype=np.int64)[inv]
        return ids, lengths

    def text_ids(self, text: str, out: list[int]) -> None:
        """Append the token ids of one text (what ``tokens(text)`` gives) to ``out``."""
        text = _prepare(text)
        chunks = text.split()
        dot = "." in text
        if "@" in text or (dot and ("://" in text or "www." in text.lower())):
            chunks = [
                _chunk_key(c, dot)
                if "@" in c or "://" in c or (dot and c[:4].lower() == "www.")
                else c
                for c in chunks
            ]
        if "#" in text:  # the case rule depends on a hashtag left after links are replaced
            got_entry = self.chunks.get
            ents = [got_entry(c) or self.chunk(c) for c in chunks]
            tagged = any(e[0] for e in ents)
            parts = [e[2] if tagged else e[1] for e in ents]
        else:
            got = self.plain.get
            parts = [got(c) or self.plain_chunk(c) for c in chunks]
        neg_left = 0
        append = out.append
        for ids, has_trigger, entries in parts:
            if not neg_left and not has_trigger:  # no negation scope can touch this chunk
                out.extend(ids)
                continue
            for plain, negatable, trigger, reset in entries:
                if reset:
                    neg_left = 0
                    append(plain)
                    continue
                if neg_left > 0 and negatable is not None:
                    append(self.id_of(negatable + "_neg"))
                    neg_left -= 1
                else:
                    append(plain)
                if trigger:
                    neg_left = _NEG_SCOPE

    def hash_new(self) -> np.ndarray:
        """Murmur hashes of every id (computing those of ids added since the last call)."""
        import numpy as np

        from socialproof.community._token_arrays import murmur3_32

        done = len(self.hashes)
        if done < len(self.strings):
            encoded = [s.encode("utf-8") for s in self.strings[done:]]
            lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
            buf = np.frombuffer(b"".join(encoded), dtype=np.uint8)
            offsets = np.cumsum(lengths) - lengths
            new = murmur3_32(buf, offsets, lengths)
            self.hashes = np.concatenate([self.hashes, new])
            self.toff = np.concatenate([self.toff, offsets + len(self.tbuf)])
            self.tlen = np.concatenate([self.tlen, lengths])
            self.tbuf = np.concatenate([self.tbuf, buf])
        return self.hashes

    def pair_hashes(self, keys: np.ndarray) -> np.ndarray:
        """Murmur hashes of the bigrams ``strings[k >> 32] + " " + strings[k & 0xFFFFFFFF]``,
        all at once (needs ``hash_new`` first: the bytes of every id). Not cached: hashing
        a batch's bigrams costs less than looking them up in a dictionary."""
        import numpy as np

        from socialproof.community._token_arrays import murmur3_32, ranges

        a, b = keys >> 32, keys & 0xFFFFFFFF
        size_a, size_b = self.tlen[a], self.tlen[b]
        # the bytes of "a b": a's, the space at 0, b's
        parts = np.column_stack([self.toff[a], np.zeros_like(a), self.toff[b]]).ravel()
        sizes = np.column_stack([size_a, np.ones_like(a), size_b]).ravel()
        total = size_a + 1 + size_b
        return murmur3_32(self.tbuf[ranges(parts, sizes)], np.cumsum(total) - total, total)

    def lexicon_table(self, lex: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
        """Per id: lexicon value (NaN when none), and emoticon class (+1 / -1 / 0)."""
        import numpy as np

        key = id(lex)
        if key not in _LEXICONS:
            _LEXICONS[key] = lex
        merged, pos_emo, neg_emo = _lexicon_tables(key)
        table = self.lex_tables.get(key)
        if table is None or table[0] is not lex:
            table = (lex, np.zeros(0), np.zeros(0, dtype=np.int8))
        _, values, emo = table
        done = len(values)
        if done < len(self.strings):
            new = self.strings[done:]
            nan = float("nan")
            values = np.concatenate(
                [values, np.asarray([merged.get(s, nan) for s in new], dtype=np.float64)]
            )
            emo = np.concatenate(
                [
                    emo,
                    np.asarray(
                        [1 if s in pos_emo else -1 if s in neg_emo else 0 for s in new],
                        dtype=np.int8,
                    ),
                ]
            )
            table = (lex, values, emo)
        self.lex_tables[key] = table
        return values, emo

    def too_big(self) -> bool:
        return (
            len(self.strings) > _VOCAB_MAX
            or len(self.plain) + len(self.chunks) > _CHUNK_CACHE_MAX
            or len(self.raw) > _CHUNK_CACHE_MAX
        )


def _prepare(text: str) -> str:
    """A raw text as ``clean`` reads it before it splits it into chunks."""
    if not text.isascii():
        if len(text) > MAX_CHARS:
            text = text[:MAX_CHARS]
        if _SURROGATE.search(text):
            text = _SURROGATE.sub("\ufffd", text)
        text = unicodedata.normalize("NFC", text)
        if "\ufe0f" in text or "\u200d" in text:
            text = text.replace("\ufe0f", "").replace("\u200d", " ")
    elif len(text) > MAX_CHARS:
        text = text[:MAX_CHARS]
    return text


_VOCAB = _Vocab()
# "word", "don't.", "word!!", "12345,": an ASCII word (letters, inner "'"; not "www": "www.."
# is a link) or a number (not starting with 8: "831" is the emoticon "83" and "1") and one
# run of one punctuation class; ``chunk_tokens`` tokenises these without the regular
# expressions
_SIMPLE_CHUNK = re.compile(
    r"(?![Ww][Ww][Ww]\.)([A-Za-z]+(?:'[A-Za-z]+)*|[0-79][0-9]*)([.,]*|[!?]*)"
)
# ``_SIMPLE_CHUNK`` without an elongation, per line of new chunks joined by newlines: one
# (elongation, word, punctuation) per line, the word empty when the line is not one
_SIMPLE_LINES = re.compile(
    r"^(?:(?![Ww][Ww][Ww]\.)(?![^\n]*?(\w)\1\1)"
    r"([A-Za-z]+(?:'[A-Za-z]+)*|[0-79][0-9]*)([.,]*|[!?]*)$|[^\n]*)",
    re.M,
)
_TAG_CHUNK = re.compile(r"#[A-Za-z0-9]+")  # a hashtag and nothing else (``chunk``'s fast path)
_URL_START = re.compile(r"(?:https?://|www\.)\S", re.I)
_ANY_URL = "http://x.co"  # a chunk that is one link: its tokens are ["<url>"]


def _chunk_key(chunk: str, dot: bool) -> str:
    """The cache key of a chunk with a link or a handle (``dot``: the text has a dot).

    A chunk that starts a link is all link (the pattern takes every non-space after
    the prefix) when the text has a dot, so all such chunks share one key; a dot-less
    chunk with "://" is a link only when the text has a dot elsewhere ("\\n" marks
    that); handles in a chunk without a dot or "://" become ``@user`` here, as
    ``normalise`` would make them, so every customer's handle is one cache entry.
    """
    if dot:
        if _URL_START.match(chunk):
            return _ANY_URL
        if "://" in chunk and "." not in chunk:
            return "\n" + chunk
    if "@" in chunk and "." not in chunk and "://" not in chunk:
        return _MENTION.sub("@user", chunk)
    return chunk


def clear_feature_caches() -> None:
    """Forget the token ids and chunk tokenisations ``featurise`` keeps between batches."""
    with _VOCAB.lock:
        _VOCAB.clear()


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique`` of int64 keys by one sort (NumPy 2's hash-based unique is slower here)."""
    import numpy as np

    values = np.sort(values)
    if len(values) > 1:
        values = values[np.concatenate([[True], values[1:] != values[:-1]])]
    return values


# what ``\s`` (and ``str.split()``) call whitespace
_WHITESPACE = [c for c in range(0x3001) if chr(c).isspace()]


def _shape_counts(texts: Sequence[str]) -> np.ndarray:
    """``shape_features`` of every raw text, shape (n, 4), vectorised over the batch.

    ALL-CAPS words (``_CAPS_WORD``) are maximal runs of 3+ A-Z between whitespace or the
    text's ends; elongations (``_ELONG`` matches) are maximal runs of one word character
    repeated 3+ times. Both are found on the batch's code points at once.
    """
    import numpy as np

    n = len(texts)
    out = np.zeros((n, 4), dtype=np.int64)
    if n == 0:
        return out
    out[:, 1] = [t.count("!") for t in texts]
    out[:, 2] = [t.count("?") for t in texts]
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    starts = np.zeros(n, dtype=np.int64)
    np.cumsum(lengths[:-1] + 1, out=starts[1:])
    joined = "\n".join(texts)  # "\n" is whitespace: nothing found crosses a text's end
    if not joined:
        return out
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    # runs of equal code points: [run_start, run_end)
    change = np.flatnonzero(codes[1:] != codes[:-1]) + 1
    run_start = np.concatenate([[0], change])
    run_end = np.concatenate([change, [len(codes)]])
    run_len = run_end - run_start
    long_runs = np.flatnonzero(run_len >= 3)
    if len(long_runs):
        chars = codes[run_start[long_runs]].tolist()
        word = np.fromiter(
            ((c == 95 or chr(c).isalnum()) for c in chars), dtype=bool, count=len(chars)
        )
        at = run_start[long_runs[word]]
        if len(at):
            doc = np.searchsorted(starts, at, side="right") - 1
            out[:, 3] = np.bincount(doc, minlength=n)
    upper = (codes >= 65) & (codes <= 90)
    if upper.any():
        edge = np.diff(upper.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
        first = np.flatnonzero(edge == 1)
        stop = np.flatnonzero(edge == -1)
        keep = stop - first >= 3
        first, stop = first[keep], stop[keep]
        before = np.ones(len(first), dtype=bool)
        inner = first > 0
        before[inner] = np.isin(codes[first[inner] - 1], _WHITESPACE)
        after = np.ones(len(stop), dtype=bool)
        inner = stop < len(codes)
        after[inner] = np.isin(codes[stop[inner]], _WHITESPACE)
        at = first[before & after]
        if len(at):
            doc = np.searchsorted(starts, at, side="right") - 1
            out[:, 0] = np.bincount(doc, minlength=n)
    return out


def featurise(
    texts: Sequence[str], config: FeatureConfig, lex: dict[str, float]
) -> tuple[sp.csr_matrix, np.ndarray]:
    """Hashed sparse features (l2-normalised) and dense lexicon features for a batch.

    Sparse: binary hashed word unigrams and bigrams of ``tokens(text)`` (murmurhash3,
    as sklearn's ``HashingVectorizer``), plus hashed character n-grams when the config
    weights them. Dense: ``lexicon_features`` of each text.
    """
    import numpy as np
    import scipy.sparse as sp

    n = len(texts)
    n_features = config.n_features
    if n == 0:
        return sp.csr_matrix((0, n_features), dtype=np.float32), np.zeros(
            (0, N_LEXICON_FEATURES), dtype=np.float32
        )
    vocab = _VOCAB
    with vocab.lock:
        if vocab.too_big():
            vocab.clear()
        batch = vocab.batch_ids(texts)
        if batch is None:  # a text holds the separator: text by text
            flat: list[int] = []
            lengths = np.zeros(n, dtype=np.int64)
            text_ids = vocab.text_ids
            for i, text in enumerate(texts):
                before = len(flat)
                text_ids(text, flat)
                lengths[i] = len(flat) - before
            ids = np.asarray(flat, dtype=np.int64)
        else:
            ids, lengths = batch
        hashes = vocab.hash_new()
        values, emo = vocab.lexicon_table(lex)
        doc = np.repeat(np.arange(n, dtype=np.int64), lengths)
        same = doc[1:] == doc[:-1]
        keys = (ids[:-1][same] << 32) | ids[1:][same]
        uniq = _sorted_unique(keys)
        pair_h = vocab.pair_hashes(uniq)[np.searchsorted(uniq, keys)]
        strings = vocab.strings if config.char_weight > 0 else None

    # sparse block: (doc, bucket) of every unigram and bigram, each pair once, value 1
    rows = np.concatenate([doc, doc[:-1][same]])
    buckets = np.abs(np.concatenate([hashes[ids], pair_h])) % n_features
    cells = _sorted_unique(rows * n_features + buckets)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(cells // n_features, minlength=n), out=indptr[1:])
    words = sp.csr_matrix(
        (np.ones(len(cells), dtype=np.float32), (cells % n_features).astype(np.int32), indptr),
        shape=(n, n_features),
    )
    if strings is not None:
        ends = np.cumsum(lengths).tolist()
        flat = ids.tolist()
        norms = [
            " ".join([strings[j] for j in flat[start:end]])
            for start, end in zip([0, *ends[:-1]], ends, strict=True)
        ]
        chars = char_ngram_matrix(norms, config.char_min, config.char_max, n_features)
        words = words + chars * np.float32(config.char_weight)
        from sklearn.preprocessing import normalize

        words = normalize(words, norm="l2", copy=False)
    else:  # 0/1 values in canonical form: sklearn's normalize without importing sklearn
        words = l2_normalise_binary(words)
    dense = _dense_features(texts, ids, doc, values, emo)
    return words, dense


def l2_normalise_binary(m: sp.csr_matrix) -> sp.csr_matrix:
    """A CSR matrix of 0/1 values (no duplicates) with each row scaled to unit length, in
    place: what ``sklearn.preprocessing.normalize(m, norm="l2", copy=False)`` gives (each
    value ``1 / sqrt(n)`` of its row's n values, computed in float64 and rounded once to
    the matrix's dtype), without importing scikit-learn (about 1 s in a scoring process).
    """
    import numpy as np

    counts = np.diff(m.indptr)
    full = counts > 0
    scale = (1.0 / np.sqrt(counts[full].astype(np.float64))).astype(m.dtype)
    m.data[:] = np.repeat(scale, counts[full])
    return m


def _dense_features(
    texts: Sequence[str], ids: np.ndarray, doc: np.ndarray, values: np.ndarray, emo: np.ndarray
) -> np.ndarray:
    """``lexicon_features`` of a batch from its token ids (same sums, in the same order)."""
    import numpy as np

    n = len(texts)
    v = values[ids]
    matched = ~np.isnan(v)
    mv = v[matched]
    md = doc[matched]
    positive = mv > 0
    pos = np.bincount(md[positive], weights=mv[positive], minlength=n)
    neg = np.bincount(md, weights=mv, minlength=n) - pos
    n_pos = np.bincount(md[positive], minlength=n)
    n_neg = np.bincount(md, minlength=n) - n_pos
    hi = np.zeros(n)
    lo = np.zeros(n)
    last = np.zeros(n)
    if len(md):
        np.maximum.at(hi, md, mv)
        np.minimum.at(lo, md, mv)
        ends = np.flatnonzero(np.append(md[1:] != md[:-1], True))
        last[md[ends]] = mv[ends]
    kinds = emo[ids]
    shape = _shape_counts(texts)
    total = pos + neg
    out = np.column_stack(
        [
            pos / 4.0,
            neg / 4.0,
            n_pos,
            n_neg,
            hi / 4.0,
            lo / 4.0,
            last / 4.0,
            np.bincount(doc[kinds == 1], minlength=n),
            np.bincount(doc[kinds == -1], minlength=n),
            np.minimum(shape[:, 0], 5) / 5.0,
            np.minimum(shape[:, 1], 5) / 5.0,
            np.minimum(shape[:, 2], 5) / 5.0,
            np.minimum(shape[:, 3], 3) / 3.0,
            total / (1.0 + np.abs(total)),
        ]
    ).astype(np.float32)
    return out.reshape(n, N_LEXICON_FEATURES)


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


# ----------------------------------------------------------------- embeddings


# BERT's pre-tokeniser on lowercase printable ASCII: runs of letters and digits, and
# every other character (all ASCII symbols are punctuation to it) alone; spaces split
_ASCII_WORD = re.compile(r"[a-z0-9]+|[^a-z0-9 ]")
_TEXT_END = "\x01"  # between texts in a joined batch (not printable: never in a fast text)
_WORD_CACHE_MAX = 500_000


@dataclass
class _Static:
    model: Any  # model2vec.StaticModel
    # word -> its index; the WordPiece ids of word i are flat[starts[i]:starts[i + 1]]
    words: dict[str, int] = field(default_factory=dict)
    flat: list[int] = field(default_factory=list)
    starts: list[int] = field(default_factory=lambda: [0])
    arrays: tuple[np.ndarray, np.ndarray] | None = None  # (starts, flat) as NumPy, or stale
    vocab: dict[str, int] | None = None

    def encode(self, texts: list[str]) -> np.ndarray:
        """Mean token vector of each text, l2-normalised: what ``model.encode`` gives."""
        model = self.model
        return self.encode_tables(texts, [(model.embedding, bool(model.normalize))])[0]

    def split(self, texts: Sequence[str]) -> tuple[list[int], list[str], list[int], list[str]]:
        """The texts, cut as the model cuts them, in two: (positions, texts) of those
        tokenised here (printable ASCII), and of those the model's tokenizer reads."""
        model = self.model
        limit = model.max_length
        cut = None if limit is None else limit * model.median_token_length
        fast: list[int] = []
        kept: list[str] = []
        slow: list[int] = []
        other: list[str] = []
        for i, text in enumerate(texts):
            if cut is not None:
                text = text[:cut]
            if text.isascii() and text.isprintable():
                fast.append(i)
                kept.append(text)
            else:
                slow.append(i)
                other.append(text)
        return fast, kept, slow, other

    def encode_tables(
        self, texts: list[str], tables: Sequence[tuple[np.ndarray, bool]]
    ) -> list[np.ndarray]:
        """Each text's mean token vector in each table (``(vectors, normalise)``, one row
        per vocabulary id): what ``model.encode`` gives for a model with that table and
        this tokenizer, from ONE tokenisation of the batch.

        Printable-ASCII texts (most social text) are split into words as the BERT
        pre-tokeniser splits them, each distinct word is tokenised once (cached, by
        WordPiece's greedy longest match on the vocabulary, as the tokenizer does), and
        the batch's token ids are gathered with NumPy, so a batch costs a dictionary
        lookup per word; other texts go through the model's own tokenizer
        (``model.tokenize``) and are pooled as ``model.encode`` pools them.
        """
        import numpy as np

        model = self.model
        outs = [np.zeros((len(texts), table.shape[1]), dtype=np.float32) for table, _ in tables]
        if not texts:
            return outs
        limit = model.max_length
        fast, kept, slow, other = self.split(texts)
        if slow:
            ids = model.tokenize(other)  # truncated to max_length, unknown tokens dropped
            for out, (table, normalise) in zip(outs, tables, strict=True):
                out[slow] = _pool_like_model2vec(ids, table, normalise)
        if fast:
            counts, lengths = self._counts(kept, limit)
            denom = np.maximum(lengths, 1)[:, None].astype(np.float32)
            for out, (table, normalise) in zip(outs, tables, strict=True):
                means = np.asarray(counts @ table, dtype=np.float32)
                means /= denom
                if normalise:
                    means /= np.linalg.norm(means, axis=1, keepdims=True) + 1e-32
                out[fast] = means
        return outs

    def _counts(self, texts: list[str], limit: int | None) -> tuple[sp.csr_matrix, np.ndarray]:
        """Token counts of printable-ASCII texts (already cut), shape (n, vocabulary), and
        each text's number of tokens (the first ``limit``, unknown tokens dropped)."""
        import numpy as np
        import scipy.sparse as sp

        model = self.model
        n = len(texts)
        # the text ends are symbols to the split: each is a word of its own
        words = _ASCII_WORD.findall(_TEXT_END.join(texts).lower())
        words.append(_TEXT_END)
        self._learn(words)
        index = self.words
        wid = np.fromiter(map(index.__getitem__, words), dtype=np.int64, count=len(words))
        starts, flat = self._arrays()
        count = starts[wid + 1] - starts[wid]  # tokens of each word (0 for a text end)
        doc = np.cumsum(wid == 0) - (wid == 0)  # text of each word (ends belong to theirs)
        total = int(count.sum())
        owner = np.repeat(np.arange(len(wid)), count)
        first = np.cumsum(count) - count  # where each word's tokens start in the batch
        tok = flat[starts[wid][owner] + np.arange(total) - first[owner]]
        tdoc = doc[owner]
        if limit is not None:  # only the first ``limit`` tokens of a text are read
            rank = np.arange(total) - np.searchsorted(tdoc, tdoc)
            keep = rank < limit
            tok, tdoc = tok[keep], tdoc[keep]
        unk = model.unk_token_id
        if unk is not None:
            keep = tok != unk
            tok, tdoc = tok[keep], tdoc[keep]
        lengths = np.bincount(tdoc, minlength=n)
        indptr = np.concatenate([[0], np.cumsum(lengths)])
        counts = sp.csr_matrix(
            (np.ones(len(tok), dtype=np.float32), tok, indptr),
            shape=(n, len(model.tokens)),
        )
        return counts, lengths

    def _arrays(self) -> tuple[np.ndarray, np.ndarray]:
        import numpy as np

        if self.arrays is None:
            self.arrays = (
                np.asarray(self.starts, dtype=np.int64),
                np.asarray(self.flat, dtype=np.int64),
            )
        return self.arrays

    def _learn(self, words: list[str]) -> None:
        """WordPiece ids of the words not seen yet (index 0 is the text end, no tokens)."""
        index = self.words
        if not index:  # (also after ``words.clear()``: the text end must be index 0)
            self.clear()
            self._add(_TEXT_END, [])
        distinct = dict.fromkeys(words)
        new = [w for w in distinct if w not in index]
        if not new:
            return
        if len(index) + len(new) > _WORD_CACHE_MAX:
            self.clear()
            self._add(_TEXT_END, [])
            new = [w for w in distinct if w not in index]
        if self.vocab is None:
            self.vocab = self.model.tokenizer.get_vocab()
        vocab = self.vocab
        unk = self.model.unk_token_id
        other: list[str] = []
        for word in new:
            if len(word) <= 100 and word.isalnum():  # [a-z0-9]+ here (lowercase ASCII)
                self._add(word, wordpiece(word, vocab, unk))
            else:
                other.append(word)
        if other:  # punctuation: the tokenizer itself
            encoded = self.model.tokenizer.encode_batch_fast(other, add_special_tokens=False)
            for word, enc in zip(other, encoded, strict=True):
                self._add(word, list(enc.ids))

    def clear(self) -> None:
        """Forget every word's WordPiece ids (index 0 is the text end again when next used)."""
        self.words.clear()
        self.flat.clear()
        self.starts[:] = [0]
        self.arrays = None

    def _add(self, word: str, ids: list[int]) -> None:
        self.words[word] = len(self.starts) - 1
        self.flat.extend(ids)
        self.starts.append(len(self.flat))
        self.arrays = None


def _pool_like_model2vec(ids: list[list[int]], table: np.ndarray, normalise: bool) -> np.ndarray:
    """Mean of each id list's rows of ``table`` (zeros for none), then l2-normalised if
    ``normalise``: the arithmetic of ``StaticModel.encode`` (model2vec 0.10, no weights or
    token mapping), texts of one length pooled together as it pools them."""
    import numpy as np

    out = np.zeros((len(ids), table.shape[1]), dtype=np.float32)
    buckets: dict[int, list[int]] = {}
    for i, id_list in enumerate(ids):
        if id_list:
            buckets.setdefault(len(id_list), []).append(i)
    for indices in buckets.values():
        out[indices] = table[np.array([ids[i] for i in indices], dtype=np.int64)].mean(axis=1)
    if normalise:
        out /= np.linalg.norm(out, axis=1, keepdims=True) + 1e-32
    return out


def wordpiece(word: str, vocab: dict[str, int], unk: int | None) -> list[int]:
    """WordPiece ids of one normalised, pre-tokenised word: the longest vocabulary entry
    from the left, then the longest ``##`` continuation, and so on; the unknown token
    for the whole word when a piece has none (as the ``tokenizers`` WordPiece model)."""
    out: list[int] = []
    start = 0
    size = len(word)
    while start < size:
        end = size
        prefix = "##" if start else ""
        while end > start:
            got = vocab.get(prefix + word[start:end])
            if got is not None:
                out.append(got)
                break
            end -= 1
        else:
            return [] if unk is None else [unk]
        start = end
    return out


def _int8_table(folder: Traversable) -> np.ndarray:
    """A packaged ``embeddings.npz`` (int8 rows, one float16 scale per row; written by
    scripts/distill_embeddings.py ``write_int8``) as float32."""
    import numpy as np

    with resources.as_file(folder / "embeddings.npz") as path, np.load(path) as npz:
        return npz["q"].astype(np.float32) * npz["scale"].astype(np.float32)[:, None]  # type: ignore[no-any-return]


@lru_cache(maxsize=1)
def _static() -> _Static:
    from model2vec import StaticModel
    from tokenizers import Tokenizer

    folder = resources.files("socialproof") / "data" / "models" / "minilm_static"
    try:
        vectors = _int8_table(folder)
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


STATIC_TABLES = ("toxic_static",)
"""Packaged static tables that share ``minilm_static``'s tokenizer (same ids): a model
reads one of them next to :func:`embed`'s block, from the same tokenisation."""


@lru_cache(maxsize=len(STATIC_TABLES))
def static_table(name: str) -> tuple[np.ndarray, bool]:
    """The packaged table ``data/models/<name>/`` (float32, one row per ``minilm_static``
    token id) and whether its mean vectors are l2-normalised (its ``SOURCE.json``)."""

    if name not in STATIC_TABLES:
        raise BadInput(
            f"Unknown static embedding table {name!r}.",
            hint=f"Packaged tables: {', '.join(STATIC_TABLES)}; retrain the model that names it.",
        )
    folder = resources.files("socialproof") / "data" / "models" / name
    try:
        source = json.loads((folder / "SOURCE.json").read_text(encoding="utf-8"))
        vectors = _int8_table(folder)
    except FileNotFoundError as exc:
        raise BadInput(
            f"The packaged embedding table {name!r} is missing.",
            hint="Reinstall socialproof, or rebuild it with scripts/package_toxic_static.py.",
        ) from exc
    if vectors.shape[0] != len(_static().model.tokens):
        raise BadInput(
            f"The packaged embedding table {name!r} does not match the packaged tokenizer.",
            hint="Rebuild it with scripts/package_toxic_static.py from a model with the same vocabulary.",
        )
    return vectors, bool(source.get("normalize", False))


def embed_with(texts: Iterable[str], tables: Sequence[str]) -> list[np.ndarray]:
    """:func:`embed` of the texts, then the mean vectors of the same tokens in each named
    packaged table (:data:`STATIC_TABLES`): one cleaning and one tokenisation for all.

    The one function both training (scripts/train_moderation.py) and the models'
    run-time features use for these blocks."""
    batch = [clean(t) for t in as_texts(texts)]
    static = _static()
    model = static.model
    blocks = [(model.embedding, bool(model.normalize))]
    blocks.extend(static_table(name) for name in tables)
    return static.encode_tables(batch, blocks)
