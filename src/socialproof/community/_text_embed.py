"""Static embeddings of texts: the packaged ``minilm_static`` model and its tables.

:func:`embed` gives each text's l2-normalised mean token vector (model2vec's
``StaticModel.encode``, with the word tokenisation done and cached here for
printable-ASCII texts, :func:`wordpiece`); :func:`embed_with` adds the mean vectors of
the same tokens in packaged tables (:data:`STATIC_TABLES`, :func:`static_table`). The
model is loaded once (``_static``) and its word cache is shared by every call.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from socialproof.community._text_tokens import as_texts, clean
from socialproof.errors import BadInput

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from importlib.resources.abc import Traversable

    import numpy as np
    import scipy.sparse as sp


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
