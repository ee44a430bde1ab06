"""``_text.char_ngram_matrix`` against a plain-Python reference: the same buckets, the
same canonical CSR matrix (the sentiment, spam and toxicity models are trained on it)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialproof.community import _text

_MASK = 2**64 - 1


def _reference_buckets(doc: str, lo: int, hi: int, n_features: int) -> list[int]:
    """Each n-gram of `` doc `` hashed one code point at a time with Python integers."""
    raw = f" {doc} ".encode("utf-32-le", "replace")
    codes = [int.from_bytes(raw[i : i + 4], "little") for i in range(0, len(raw), 4)]
    found = set()
    for n in range(lo, hi + 1):
        for start in range(len(codes) - n + 1):
            h = n * 7919
            for code in codes[start : start + n]:
                h = (h * 1_000_003 + code) & _MASK
            h ^= h >> 29
            h = (h * 0xBF58476D1CE4E5B9) & _MASK
            h ^= h >> 32
            found.add(h % n_features)
    return sorted(found)


def _check(docs: list[str], lo: int, hi: int, n_features: int) -> None:
    m = _text.char_ngram_matrix(docs, lo, hi, n_features)
    assert m.shape == (len(docs), n_features)
    assert m.dtype == np.float32
    for i, doc in enumerate(docs):
        row = m.indices[m.indptr[i] : m.indptr[i + 1]].tolist()
        assert row == _reference_buckets(doc, lo, hi, n_features), doc
    assert m.data.tolist() == [1.0] * m.nnz
    # canonical: what SciPy's own checks find, not only the flag set by the builder
    copy = m.copy()
    copy.has_canonical_format = False
    copy.has_sorted_indices = False
    copy.sum_duplicates()
    assert copy.indices.tolist() == m.indices.tolist()
    assert copy.data.tolist() == m.data.tolist()


@pytest.mark.parametrize(("lo", "hi"), [(2, 5), (3, 5), (1, 1), (4, 7)])
def test_char_ngrams_equal_the_reference(lo: int, hi: int) -> None:
    docs = [
        "hello world",
        "",
        "a",
        "ab",
        "aaaaaaa aaaaaaa",  # the same n-gram many times in one doc: one cell
        "my order 15853 still hasn't arrived w10 ref 10",
        "ünïcödé and emoji 😀😀 and a lone surrogate \ud800 here",
        "@u check http://spam.example/x now",
        "x" * 40,
    ]
    _check(docs, lo, hi, 2**20)
    _check(docs, lo, hi, 97)  # few buckets: many collisions within a doc


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=12), max_size=6), st.integers(1, 4), st.integers(0, 3))
def test_char_ngrams_equal_the_reference_on_any_text(docs: list[str], lo: int, extra: int) -> None:
    _check(docs, lo, lo + extra, 31)


def test_no_docs_give_an_empty_matrix() -> None:
    m = _text.char_ngram_matrix([], 2, 5, 2**10)
    assert m.shape == (0, 2**10)
    assert m.nnz == 0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_binary_rows_normalised_as_sklearn_does(dtype: type) -> None:
    import scipy.sparse as sp
    from sklearn.preprocessing import normalize

    rng = np.random.default_rng(3)
    counts = [0, 1, 2, 3, 7, 0, 49, 50, 999, 4096, 5, 0]
    rows = []
    for n in counts:
        rows.append(np.sort(rng.choice(10_000, size=n, replace=False)))
    indptr = np.concatenate([[0], np.cumsum(counts)])
    m = sp.csr_matrix(
        (np.ones(indptr[-1], dtype=dtype), np.concatenate(rows).astype(np.int32), indptr),
        shape=(len(counts), 10_000),
    )
    want = normalize(m, norm="l2", copy=True)
    got = _text.l2_normalise_binary(m.copy())
    assert got.dtype == want.dtype
    assert np.array_equal(got.indptr, want.indptr)
    assert np.array_equal(got.indices, want.indices)
    assert got.data.tobytes() == want.data.tobytes()
