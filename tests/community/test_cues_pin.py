"""The spam and abuse cue features of a batch are those of the per-text reference.

``spam_cues.features`` counts capitals and character runs on the batch's code points at
once, and ``abuse.features`` finds the texts without any abuse word in one scan of the
batch and reads lowercased ASCII texts with case-sensitive patterns; the spam and toxic
weights were fitted on the per-text values, so these must not move.
"""

from __future__ import annotations

import random

import numpy as np

from socialproof.community import abuse, spam_cues

SAMPLES = [
    "Check out my channel!!! http://bit.ly/x SUBSCRIBE and WIN a FREE iPhone",
    "@AppleSupport Hi! What is going on? https://t.co/abc",
    "Please DM me for details, order 48213",
    "you stupid idiot, I will find you",
    "this is f***ing broken, shit service",
    "THIS IS THE WORST SERVICE EVER!!!!",
    "earn $500 a day with bitcoin, visit www.example.com",
    "Ѕubscribe ſubscribe \u212aill you",  # letters that fold to ASCII under re.I
    "Σίσυφος ΟΔΟΣ İstanbul straße 😀😀😀😀 ‼‼‼‼",
    "line\nbreaks\n\n\n\nand\ttabs____",
    "",
    "   ",
    "\x00\x00\x00\x00 @*_end_of_text_*@ fool",
    "she is a liar and you guys are pathetic",
    "kys lol",
    "i hope you die",
]


def _texts() -> list[str]:
    rng = random.Random(8)
    pieces = [p for t in SAMPLES for p in t.split()] + [
        "my", "our", "check out my", "subscribe to my", "$5 a day", "http://", "www.",
        ".com", "t.co/x", "you", "u", "ur a", "fuck you", "idiot", "moron", "kill", "@bob",
        "aaaa", "AAAA", "!!!!", "\n", "’", "y'all", "NIGGA", "f*ck", "sh*t", "@*_end_of_text_*@",
    ]  # fmt: skip
    texts = list(SAMPLES)
    for _ in range(2000):
        words = [rng.choice(pieces) for _ in range(rng.randint(0, 14))]
        text = rng.choice([" ", "  ", "\n", ""]).join(words)
        texts.append(text.upper() if rng.random() < 0.2 else text)
    return texts


def test_spam_cues_batch_is_the_per_text_reference() -> None:
    texts = _texts()
    want = np.array([spam_cues._features_one(t) for t in texts], dtype=np.float32)
    assert np.array_equal(spam_cues.features(texts), want)
    assert np.array_equal(spam_cues.features(texts[:1]), want[:1])
    assert want[:, 0].any() and want[:, 2].any() and want[:, 5].any() and want[:, 6].any()


def _abuse_reference(texts: list[str]) -> np.ndarray:
    rows = []
    for text in texts:
        t = abuse.prepare(text)
        lower = t.lower()
        if t and abuse._maybe(lower):
            pats = abuse._PATTERNS
            found = [abuse._found(p, t) for p in pats]
            c = abuse.Cues(*found[:5], name_calling=found[5] if found[1] else ())
        else:
            c = abuse.Cues()
        you = abuse._SECOND_PERSON.search(text) is not None
        rows.append(
            (
                bool(c.profanity),
                bool(c.insult),
                bool(c.slur),
                bool(c.targeted),
                bool(c.threat),
                min(len(c.profanity), 3) / 3.0,
                you,
                bool(c.profanity) and not c.aimed_at_people and not c.insult,
            )
        )
    return np.array(rows, dtype=np.float32)


def test_abuse_batch_is_the_per_text_reference() -> None:
    texts = _texts()
    want = _abuse_reference(texts)
    abuse.clear_cache()
    assert np.array_equal(abuse.features(texts), want)
    assert np.array_equal(abuse.features(texts[::-1]), want[::-1])  # from the cache
    abuse.clear_cache()
    assert np.array_equal(abuse.features(texts[:3]), want[:3])
    assert want[:, 3].any() and want[:, 4].any() and want[:, 7].any()


def test_abuse_cues_read_the_same_words_on_ascii_and_unicode() -> None:
    abuse.clear_cache()
    assert abuse.cues("You IDIOT").targeted == ("you idiot",)
    assert abuse.cues("You IDIOT ’").targeted == ("you idiot",)
    assert abuse.cues_of(["fine thanks", "You IDIOT"])[1].targeted == ("you idiot",)


def test_blocked_terms_are_found_as_the_pattern_finds_them() -> None:
    """``flag`` checks ASCII texts for the terms lowercased first; the reasons are the
    pattern's own (re.I) matches, also for terms that fold ("ſale" matches "SALE")."""
    from socialproof.community import moderation

    texts = _texts() + [
        "FREE FOLLOWERS now", "free   followers", "ſale today", "SALE", "Jérk", "jerk!",
        "DM FOR PROMO 😀", "buy followers", "free followers ſale JERK",
    ]  # fmt: skip
    for terms in (["free followers", "dm for promo"], ["free followers", "ſale"], ["jerk"]):
        rules = {"blocked_terms": {"spam": terms, "toxic": ["jerk"]}}
        mod = moderation.load(rules)
        flags = mod.flag(texts, scores=([0.0] * len(texts), [0.0] * len(texts)))
        patterns = [moderation._term_pattern(tuple(terms)), moderation._term_pattern(("jerk",))]
        for text, f in zip(texts, flags, strict=True):
            want = [
                f"blocked term '{w}'"
                for pattern in patterns
                if pattern is not None and text.strip()
                for w in sorted({m.group(0).lower() for m in pattern.finditer(text)})
            ]
            assert [r for r in f.reasons if r.startswith("blocked term")] == want, text
    hit = moderation.load({"blocked_terms": {"spam": ["ſale"]}}).flag(["SALE now"])
    assert "blocked term 'sale'" in hit[0].reasons
