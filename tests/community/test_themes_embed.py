"""The static embeddings: words looked up once per word give model2vec's own vectors.

``_text.embed`` splits printable-ASCII texts into words as BERT's pre-tokeniser does and
runs each distinct word through the tokenizer once; the expected vectors here are
model2vec's ``StaticModel.encode`` of the whole texts (the library's own path).
"""

from __future__ import annotations

import numpy as np

from socialproof.community import _text, _text_embed

TEXTS = [
    "@united my bag #4471 never arrived https://t.co/x9 &amp; AB12CD",
    "Don't STOP <3 :) $5.00 ~user_1 [x]{y}|z`q^ \\ back!!!",
    "late flight again... sat at the gate for 2 hrs",
    "Où est mon colis ? 😡",  # not ASCII: the library's path
    "",
    "   ",
    "a" * 150,  # a word too long for WordPiece: unknown, left out
    "!" * 1999,  # more tokens than the model reads (512)
    "refund refund refund",
    "tab\there",
]


def test_embed_equals_model2vec_encode() -> None:
    texts = [_text.clean(t) for t in TEXTS]
    static = _text_embed._static()
    expected = static.model.encode(texts, show_progress_bar=False, use_multiprocessing=False)
    got = _text.embed(TEXTS)
    assert got.shape == (len(TEXTS), static.model.dim) and got.dtype == np.float32
    np.testing.assert_allclose(got, expected, atol=1e-6)
    assert not got[4].any() and not got[5].any()  # empty texts: zeros
    assert abs(float(np.linalg.norm(got[0])) - 1.0) < 1e-5
    again = _text.embed(TEXTS[:3])  # the word cache gives the same vectors again
    np.testing.assert_array_equal(again, got[:3])
