"""Abuse aimed at people is told apart from swearing; spam cues that hold across platforms."""

from __future__ import annotations

import pytest

from socialproof.community import abuse, moderation, spam_cues
from socialproof.errors import BadInput

RULES_ONLY = {"models": {"spam": False, "toxic": True}}


@pytest.mark.parametrize(
    ("text", "kind", "words"),
    [
        ("@brand you stupid idiot", "targeted", "you stupid idiot"),
        ("you guys are pathetic", "targeted", "you guys are pathetic"),
        ("Fuck you @brand", "targeted", "fuck you"),
        ("@someone she is such a liar", "targeted", "she is such a liar"),
        ("I will kill you", "threat", "i will kill you"),
        ("hope your company burns", "threat", "hope your company burns"),
        ("I know where you live", "threat", "i know where you live"),
    ],
)
def test_abuse_aimed_at_people(text: str, kind: str, words: str) -> None:
    cues = abuse.cues(text)
    assert cues.aimed_at_people
    assert getattr(cues, kind)[0] == words


@pytest.mark.parametrize(
    "text",
    [
        "@brand this is f***ing broken, third time this week",
        "Why the fuck should I do any of this shit",
        "wtf where is my refund",
        "your garbage app crashed again",  # criticism of a product, not of a person
        "hope your phone doesn't die before the update",
        "I will find your order number in my email",
        "Shut up and take my money",
        "I was charged twice, please help",
    ],
)
def test_swearing_and_criticism_are_not_abuse(text: str) -> None:
    assert not abuse.cues(text).aimed_at_people, abuse.cues(text)


def test_swearing_is_profanity_but_not_an_insult() -> None:
    cues = abuse.cues("this is f***ing broken")
    assert cues.profanity == ("f***ing",) and not cues.insult and cues.reasons() == []


def test_abuse_mode_keeps_frustrated_customers_and_flags_abuse() -> None:
    mod = moderation.load(RULES_ONLY)
    texts = ["@brand this is fucking broken", "@brand you useless idiot", "@brand nice update"]
    swearing, insult, plain = mod.flag(texts, scores=([0.0] * 3, [0.99, 0.05, 0.99]))
    assert not swearing.flagged  # the model is sure it is offensive; it is aimed at no one
    assert insult.toxic and insult.reasons == ["insult aimed at a person 'you useless idiot'"]
    assert plain.toxic and plain.reasons == ["toxic model 0.99"]  # no swearing to excuse it


def test_harsh_words_about_things_are_not_abuse_but_name_calling_is() -> None:
    mod = moderation.load(RULES_ONLY)
    texts = ["@brand that's stupid", "@brand this is a garbage response", "@brand bitch answer"]
    stupid, garbage, calling = mod.flag(texts, scores=([0.0] * 3, [0.99, 0.99, 0.95]))
    assert not stupid.flagged and not garbage.flagged
    assert calling.toxic and calling.reasons == ["toxic model 0.95"]


def test_offensive_mode_flags_swearing_too() -> None:
    mod = moderation.load({**RULES_ONLY, "toxicity": {"flag": "offensive"}})
    [swearing] = mod.flag(["@brand this is fucking broken"], scores=([0.0], [0.99]))
    assert swearing.toxic and swearing.reasons == ["toxic model 0.99"]


def test_abuse_mode_model_threshold_is_stricter_than_offensive() -> None:
    abuse_mode = moderation.load()
    offensive = moderation.load({"toxicity": {"flag": "offensive"}})
    model = abuse_mode.toxic_model
    assert model is not None
    strict = abuse_mode._threshold("toxic", model)
    assert strict >= offensive._threshold("toxic", model)
    # a workspace threshold (set by hand or from decisions) replaces both
    custom = moderation.load({"models": {"toxic_threshold": 0.66}})
    assert custom._threshold("toxic", model) == 0.66


def test_unknown_toxicity_mode_is_a_clear_error() -> None:
    with pytest.raises(BadInput, match="toxicity.flag must be one of abuse, offensive"):
        moderation.guidelines({"toxicity": {"flag": "strict"}})


def test_spam_cues_know_links_calls_to_action_and_care() -> None:
    promo, wrapped, care = spam_cues.features(
        [
            "Check out my channel www.example-music.com subscribe!!!",
            "@brand the app crashes https://t.co/Ab3dE5",
            "@brand my order 4471 was charged twice, DM sent",
        ]
    )
    outside, self_promo, cta, link_and_cta, _money, _run, _caps, care_words = range(8)
    assert promo[outside] and promo[self_promo] and promo[cta] and promo[link_and_cta]
    assert not wrapped[outside] and not wrapped[cta]  # X's own link wrapper says nothing
    assert care[care_words] and not care[cta] and not care[outside]


def test_spam_cues_know_comment_bait_and_asks_but_not_customers() -> None:
    rows = spam_cues.features(
        [
            "Like this comment if you are watching in 2015!!",
            "Thumbs up if you came here from the radio",
            "Check me out! I rap so yeah",
            "I'm new here, please subscribe to me",
            "@brand Thanks, I'll check it out.",
            "@brand the cover looks like if you zoom in on the left side",
            "@brand I am of course a premium subscriber!",
        ]
    )
    bait, ask = 8, 9
    assert rows.shape[1] == spam_cues.N_FEATURES == 10
    assert rows[0, bait] and rows[1, bait] and not rows[0, ask]
    assert rows[2, ask] and rows[3, ask] and not rows[2, bait]
    assert not rows[4:, bait].any() and not rows[4:, ask].any()  # customers, not spam


def test_changing_the_mode_changes_the_fingerprint() -> None:
    assert (
        moderation.load().fingerprint
        != moderation.load({"toxicity": {"flag": "offensive"}}).fingerprint
    )
