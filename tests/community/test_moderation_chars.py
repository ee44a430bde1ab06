"""The moderation models' character n-gram block: what it reads, and that it is used."""

from __future__ import annotations

import numpy as np

from socialproof.community import moderation


def test_char_features_read_the_normalised_lowercase_text() -> None:
    m = moderation.char_features(
        ["SUBSCRIBE to my channel", "subscribe to my channel", "@someone hi", "@other hi"],
        2,
        5,
        2**18,
    )
    rows = m.toarray()
    assert np.array_equal(rows[0], rows[1])  # case does not matter
    assert np.array_equal(rows[2], rows[3])  # every handle reads as @user
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0)


def test_obfuscated_words_share_most_character_ngrams() -> None:
    m = moderation.char_features(["subscribe", "subscribeee", "weather"], 2, 5, 2**18)
    rows = (m.toarray() > 0).astype(int)
    shared = (rows[0] & rows[1]).sum()
    assert shared > (rows[0] & rows[2]).sum()
    assert shared >= rows[0].sum() // 2


def test_a_character_block_moves_the_scores_the_same_way_on_both_paths() -> None:
    import dataclasses

    plain = moderation.load()
    coef = np.zeros(2**16, dtype=np.float32)
    texts = ["check out my channel http://example.com", "you are a moron", "thanks, fixed"]
    hit = moderation.char_features(texts[2:], 2, 5, 2**16, links=True).indices
    coef[hit] = 5.0  # n-grams of the last text push it towards spam
    block = moderation.CharBlock(2, 5, 2**16, coef, links=True)
    mod = dataclasses.replace(plain, spam_chars=block)
    before = plain.model_scores(texts)[0]
    alone = mod.model_scores(texts)
    owner = mod.shared_features()
    assert owner is not None
    shared = mod.model_scores(texts, owner.features(texts))
    assert alone[0][2] > before[2] + 0.01  # the block was added
    assert alone[1] == plain.model_scores(texts)[1]  # toxicity has no block
    assert np.allclose(shared, alone, atol=1e-6)


def test_links_are_read_only_when_the_block_asks() -> None:
    a, b = "see http://spam.example/x", "see http://other.site/y"
    assert (moderation.char_features([a, b], 2, 5, 2**16).toarray()[0] > 0).tolist() == (
        moderation.char_features([b], 2, 5, 2**16).toarray()[0] > 0
    ).tolist()
    with_links = moderation.char_features([a, b], 2, 5, 2**16, links=True).toarray()
    assert not np.array_equal(with_links[0], with_links[1])


def test_models_off_means_no_character_block() -> None:
    mod = moderation.load({"models": {"spam": False, "toxic": False}})
    assert mod.spam_chars is None and mod.toxic_chars is None
    assert mod.model_scores(["hello"]) == ([0.0], [0.0])


def test_the_packaged_spam_model_reads_characters_and_toxicity_does_not() -> None:
    import dataclasses

    mod = moderation.load()
    assert mod.spam_chars is not None and mod.toxic_chars is None
    assert (mod.spam_chars.lo, mod.spam_chars.hi, mod.spam_chars.links) == (2, 5, True)
    texts = ["thanks, the playlist works again on my phone"]
    without = dataclasses.replace(mod, spam_chars=None)
    assert mod.model_scores(texts)[0][0] != without.model_scores(texts)[0][0]
