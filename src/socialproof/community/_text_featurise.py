"""Hashed sparse and dense lexicon features of a batch of texts, vectorised in NumPy.

:func:`featurise` turns a batch into binary hashed word unigrams and bigrams
(murmurhash3, as sklearn's ``HashingVectorizer``), hashed character n-grams when the
:class:`FeatureConfig` weights them (:func:`char_ngram_matrix`), and the dense
``lexicon_features`` of each text, from the token ids of the shared vocabulary
(``_text_vocab.VOCAB``). :func:`l2_normalise_binary` is sklearn's l2 ``normalize`` for
0/1 matrices without importing scikit-learn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from socialproof.community._text_lexicon import N_LEXICON_FEATURES
from socialproof.community._text_vocab import VOCAB

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    import numpy as np
    import scipy.sparse as sp


@dataclass(frozen=True)
class FeatureConfig:
    """How texts become features; stored in each artifact so training and scoring agree."""

    n_features: int = 2**20
    char_min: int = 3
    char_max: int = 5
    char_weight: float = 0.5


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
    text's ends; elongations (``ELONG`` matches) are maximal runs of one word character
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
    vocab = VOCAB
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
