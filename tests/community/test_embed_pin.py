"""The static embeddings are the same, bit for bit, as a word-by-word reference.

``_text.embed`` tokenises each distinct word once with its own WordPiece (greedy longest
match on the vocabulary) and gathers a batch's token ids with NumPy. The reference here
is the earlier implementation: every word of a text through the ``tokenizers`` library,
the ids of a text cut to the model's 512 tokens, unknown tokens left out, the mean of the
rows. The moderation models and the themes read these vectors, so they must not move.
"""

from __future__ import annotations

import random

import numpy as np
import scipy.sparse as sp

from socialproof.community import _text, _text_embed


def _reference(texts: list[str]) -> np.ndarray:
    static = _text_embed._static()
    model = static.model
    limit = model.max_length
    rows: list[list[int]] = []
    for text in texts:
        words = _text_embed._ASCII_WORD.findall(_text.clean(text).lower())
        ids = [
            t
            for enc in model.tokenizer.encode_batch_fast(words, add_special_tokens=False)
            for t in enc.ids
        ]
        ids = [t for t in ids[:limit] if t != model.unk_token_id]
        rows.append(ids)
    lengths = np.array([len(r) for r in rows], dtype=np.int64)
    flat = np.array([t for r in rows for t in r], dtype=np.int64)
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    counts = sp.csr_matrix(
        (np.ones(len(flat), dtype=np.float32), flat, indptr),
        shape=(len(texts), model.embedding.shape[0]),
    )
    means = np.asarray(counts @ model.embedding, dtype=np.float32)
    means /= np.maximum(lengths, 1)[:, None].astype(np.float32)
    means /= np.linalg.norm(means, axis=1, keepdims=True) + 1e-32
    return means


def _texts() -> list[str]:
    rng = random.Random(4)
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 ABCXYZ.,!?@#$%&*()[]{}<>'\"-_/\\|~`^+=:;"
    texts = [
        "My order 48213 still hasn't arrived after 3 days w17 ref 500007",
        "@united my bag #4471 never arrived https://t.co/x9 &amp; AB12CD",
        "Don't STOP <3 :) $5.00 ~user_1 [x]{y}|z`q^ \\ back!!!",
        "unaffable antidisestablishmentarianism qwxzvk 0000000 98765432109876543210",
        "",
        "   ",
        "x" * 99,
        "y" * 100,
        "z" * 101,  # too long for WordPiece: the unknown token, left out
        "ab1 " * 700,  # more tokens than the model reads
        "!" * 1999,
    ]
    for _ in range(600):
        size = rng.randint(0, 120)
        texts.append("".join(rng.choice(alphabet) for _ in range(size)))
    for _ in range(300):
        texts.append(" ".join(str(rng.randint(0, 10 ** rng.randint(1, 12))) for _ in range(6)))
    return texts


def test_embed_is_the_word_by_word_reference_bit_for_bit() -> None:
    texts = _texts()
    want = _reference(texts)
    _text_embed._static().clear()  # a cold word cache, then a warm one, then small batches
    assert np.array_equal(_text.embed(texts), want)
    assert np.array_equal(_text.embed(texts[::-1]), want[::-1])
    parts = [_text.embed(texts[i : i + 41]) for i in range(0, len(texts), 41)]
    assert np.array_equal(np.vstack(parts), want)


def test_wordpiece_is_the_tokenizers_wordpiece() -> None:
    static = _text_embed._static()
    model = static.model
    vocab = model.tokenizer.get_vocab()
    rng = random.Random(9)
    words = [
        "".join(
            rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(rng.randint(1, 30))
        )
        for _ in range(3000)
    ]
    words += [w for w in list(vocab)[::7] if w.isascii() and w.isalnum() and w.islower()]
    words += ["a" * 100, "a" * 101, "7" * 100, "unbelievable", "0", "2026"]
    want = model.tokenizer.encode_batch_fast(words, add_special_tokens=False)
    for word, enc in zip(words, want, strict=True):
        if len(word) <= 100:
            assert _text.wordpiece(word, vocab, model.unk_token_id) == list(enc.ids), word


def test_embed_after_the_word_cache_is_emptied() -> None:
    """Whichever way the cache is emptied (``clear()`` or its word index alone), the
    vectors stay the reference's (the text end must keep index 0)."""
    texts = _texts()[:60]
    want = _reference(texts)
    _text.embed(texts)
    _text_embed._static().words.clear()
    assert np.array_equal(_text.embed(texts), want)
    _text_embed._static().clear()
    assert np.array_equal(_text.embed(texts), want)
