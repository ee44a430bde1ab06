"""featurise(): the batch featurisation gives exactly the features the models were trained on.

The spam, toxic and sentiment weights are stored per hash bucket, so a change in which
bucket a token lands in, or in a lexicon feature, silently breaks them. The expected
output in ``featurise_expected.json`` was captured from the per-text implementation
(``tokens`` + ``lexicon_features`` + sklearn's ``HashingVectorizer``) before the batch
version replaced it; a second test rebuilds that per-text reference here from the public
pieces and compares on texts mixed from the fixture's parts.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize

from socialproof.community import _text

FIXTURES = Path(__file__).parents[1] / "data" / "community" / "textmodels"
CONFIG = _text.FeatureConfig(n_features=2**20, char_weight=0.0)


def _expected() -> list[dict[str, object]]:
    doc = json.loads((FIXTURES / "featurise_expected.json").read_text(encoding="utf-8"))
    rows: list[dict[str, object]] = doc["rows"]
    return rows


def _reference(texts: list[str]) -> tuple[sp.csr_matrix, np.ndarray]:
    """The per-text featurisation the packaged weights were trained on."""
    lex = _text.lexicon()
    toks = [_text.tokens(t) for t in texts]
    dense = np.array(
        [_text.lexicon_features(tk, t, lex) for tk, t in zip(toks, texts, strict=True)],
        dtype=np.float32,
    ).reshape(len(texts), _text.N_LEXICON_FEATURES)
    vec = HashingVectorizer(
        analyzer=lambda tk: tk + [f"{a} {b}" for a, b in zip(tk, tk[1:], strict=False)],
        n_features=CONFIG.n_features,
        alternate_sign=False,
        binary=True,
        norm=None,
        dtype=np.float32,
    )
    return normalize(vec.transform(toks), norm="l2", copy=False), dense


def _assert_same(got: tuple[sp.csr_matrix, np.ndarray], want: tuple[sp.csr_matrix, np.ndarray]):
    (gs, gd), (ws, wd) = got, want
    assert gs.shape == ws.shape
    assert gs.indptr.tolist() == ws.indptr.tolist()
    assert gs.indices.tolist() == ws.indices.tolist()
    assert gs.data.tolist() == ws.data.tolist()
    assert gd.dtype == np.float32 and gd.tolist() == wd.tolist()


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    _text.clear_feature_caches()


def test_matches_the_frozen_features() -> None:
    rows = _expected()
    texts = [str(r["text"]) for r in rows]
    sparse, dense = _text.featurise(texts, CONFIG, _text.lexicon())
    assert sparse.shape == (len(texts), 2**20)
    for i, row in enumerate(rows):
        lo, hi = sparse.indptr[i], sparse.indptr[i + 1]
        assert sparse.indices[lo:hi].tolist() == row["buckets"], row["text"]
        assert sparse.data[lo:hi].tolist() == row["values"], row["text"]
        assert dense[i].tolist() == row["dense"], row["text"]


def test_frozen_features_hold_one_text_at_a_time_and_after_warm_caches() -> None:
    rows = _expected()
    texts = [str(r["text"]) for r in rows]
    _text.featurise(texts, CONFIG, _text.lexicon())  # caches now warm
    for row in rows[::-1]:
        sparse, dense = _text.featurise([str(row["text"])], CONFIG, _text.lexicon())
        assert sparse.indices.tolist() == row["buckets"], row["text"]
        assert dense[0].tolist() == row["dense"], row["text"]


def test_known_cues_in_the_frozen_rows() -> None:
    """The fixture itself says what it should: caps, '!' and negated lexicon words counted."""
    rows = {r["text"]: r for r in _expected()}
    dense = rows["This is NOT good at all!!! Never again, never."]["dense"]
    assert isinstance(dense, list)
    # 'good' is inside NOT's scope: its lexicon value is flipped, so no positive words
    assert dense[0] == 0.0 and dense[1] < 0
    assert dense[9] == pytest.approx(1 / 5) and dense[10] == pytest.approx(3 / 5)
    empty = rows[""]
    assert empty["buckets"] == [] and empty["dense"] == [0.0] * _text.N_LEXICON_FEATURES


def test_matches_the_per_text_reference_on_mixed_texts() -> None:
    """Pieces of the fixture texts glued in new ways (hashtags, links, negations, case)."""
    base = [str(r["text"])[:200] for r in _expected()]
    pieces = [p for t in base for p in t.split()] + [
        "#", ".", "http://x", "HTTP://Y", "www.a.com", "@Bob", "not", "NOT", "isn't", "’",
        "\u200d", "\ufe0f", "🙂", "XD", "D:", "!!!", "sooo", "ΣΑΣ", "İ", "#TagWord2", "no#tag",
        "no.", "never!?", "Www..", "www,", "do:", "xD.", "\u212aing", "Good,,", "cool!!!", "Don't,",
        "it's!", "o'", "831", "83", "8", "8d2", "1831", "12345", "12345,", "1000", "007!!",
        "12.", "0", "99?", "8.", "3:", "12.50", "#12", "@12", "١٢٣", "#Word", "#M6", "#NotHappy",
        "#Sooo", "#8d", "#xD", "#X_y", "#dontStop", "#ABCdef", "#", "##a", "#a.b",
    ]  # fmt: skip
    rng = random.Random(12)
    texts = []
    for _ in range(400):
        words = [rng.choice(pieces) for _ in range(rng.randint(0, 12))]
        text = rng.choice([" ", "  ", "\n", ""]).join(words)
        texts.append(text.upper() if rng.random() < 0.15 else text)
    texts += base
    _assert_same(_text.featurise(texts, CONFIG, _text.lexicon()), _reference(texts))
    # the same again with warm caches, in another order and in small batches
    order = list(range(len(texts)))
    rng.shuffle(order)
    shuffled = [texts[i] for i in order]
    want = _reference(shuffled)
    parts = [
        _text.featurise(shuffled[i : i + 37], CONFIG, _text.lexicon())
        for i in range(0, len(shuffled), 37)
    ]
    got = (sp.vstack([p[0] for p in parts], format="csr"), np.vstack([p[1] for p in parts]))
    _assert_same(got, want)


def test_empty_batch() -> None:
    sparse, dense = _text.featurise([], CONFIG, _text.lexicon())
    assert sparse.shape == (0, 2**20) and dense.shape == (0, _text.N_LEXICON_FEATURES)


def test_number_chunks_tokenise_as_the_regular_expressions_do() -> None:
    """Numbers take the fast path unless they start with 8 ("831" is the emoticon "83")."""
    numbers = [str(n) for n in range(0, 2000)] + ["12345", "0000", "999999", "7" * 40]
    chunks = [n + p for n in numbers for p in ("", ".", ",,", "!", "?!", "...")]
    chunks += [f"{a} {b}" for a, b in zip(chunks[::7], chunks[3::7], strict=False)]
    _assert_same(_text.featurise(chunks, CONFIG, _text.lexicon()), _reference(chunks))
    assert _text.tokens("831 1831") == ["83", "1", "1831"]


def test_batch_path_matches_the_reference_on_every_kind_of_chunk() -> None:
    """The batch tokeniser (one split of the joined batch, new chunks learnt in bulk,
    NumPy negation scopes) against the per-text reference, cold and warm."""
    texts = [
        "",
        "   ",
        "Oooh nice", "oooh nice", "OOOH nice", "Sooo GOOD!!!!", "sooo good", "Hmmm... 1000 000",
        "@Bob not happy with @united_air, NOT at all", "@bob@x.com and bob@mail.com",
        "see http://t.co/AbC and www.Example.com/x now", "http://localhost no dot here",
        "http://localhost but a dot.", "WWW.SITE.COM is it", "foo.com/bar isn't it",
        "#NotHappy #sooo #BestDayEver don't care", "no #tag xD XD", "#a.b http://x.co/#y",
        "I'm NOT going, never. Ever!", "don't,won't,can't stop", "it’s not bad’s", "cannot not",
        "£12.50 or 12,000 or 831 or 8am", "Ünïcödé wörds ΣΑΣ İstanbul 🙂🙂 😍!", "x\u200dy\ufe0f",
        "emoji😀stuck to words", ":) :( :-/ </3 <3 ^_^ -_-", "A" * 2500, "ab " * 900,
        "Word. Word, word! word? WORD... word!?",
    ]  # fmt: skip
    want = _reference(texts)
    _assert_same(_text.featurise(texts, CONFIG, _text.lexicon()), want)  # cold
    _assert_same(_text.featurise(texts, CONFIG, _text.lexicon()), want)  # warm
    for text, i in zip(texts, range(len(texts)), strict=True):
        _text.clear_feature_caches()
        got = _text.featurise([text], CONFIG, _text.lexicon())
        assert got[0].indices.tolist() == want[0][i].indices.tolist(), text
        assert got[1][0].tolist() == want[1][i].tolist(), text


def test_a_text_with_the_separator_goes_text_by_text() -> None:
    texts = ["good\x00bad", "not \x00 good", "plain text", ""]
    _assert_same(_text.featurise(texts, CONFIG, _text.lexicon()), _reference(texts))


def test_murmur_matches_sklearn() -> None:
    from sklearn.utils import murmurhash3_32

    from socialproof.community import _token_arrays

    rng = random.Random(3)
    alphabet = "abcXYZ 01_'!😀é中\x00"
    strings = ["", "a", "ab", "abc", "abcd", "abcde"] + [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 45))) for _ in range(3000)
    ]
    encoded = [s.encode("utf-8") for s in strings]
    lengths = np.array([len(e) for e in encoded], dtype=np.int64)
    buf = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    got = _token_arrays.murmur3_32(buf, np.cumsum(lengths) - lengths, lengths)
    assert got.tolist() == [murmurhash3_32(s, 0, False) for s in strings]


def test_negation_scope_by_hand() -> None:
    from socialproof.community._token_arrays import NEGATABLE as N
    from socialproof.community._token_arrays import RESET as R
    from socialproof.community._token_arrays import TRIGGER as T
    from socialproof.community._token_arrays import negation_scope

    # text 1: not a b <url> c d e ; text 2: f never g . h ; text 3: not not x
    flags = np.array(
        [N | T, N, N, 0, N, N, N] + [N, N | T, N, R, N] + [N | T, N | T, N], dtype=np.int64
    )
    start = np.array([0] * 7 + [7] * 5 + [12] * 3, dtype=np.int64)
    got = negation_scope(flags, start, 4).astype(int).tolist()
    assert got == [0, 1, 1, 0, 1, 1, 0] + [0, 0, 1, 0, 0] + [0, 1, 1]
