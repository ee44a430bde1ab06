"""Theme labels a community manager would write: from the messages' content words, not
from handles, brand names, signatures, politeness or chat fillers (issue 12).

The messages are written for these tests in the style of a brand's care inbox on X.
"""

from __future__ import annotations

from socialproof.community import theme_labels, themes
from socialproof.community.theme_labels import reply_label, theme_label

THANKS = [
    "@AcmeCares Thank you!!!",
    "@AcmeCares thanks guys, you rock",
    "@AcmeCares Thank you so much :)",
    "@AcmeCares thx!! youu are the best",
    "@AcmeCares cheers, sorted now",
    "@AcmeCares thank you Acme ❤",
    "@AcmeCares Thaaanks 🙏",
    "@AcmeCares ok thank you",
]
PASSWORD = [
    "@AcmeCares the password reset email never comes, ticket 88213",
    "@AcmeCares password reset link is broken again, please help",
    "@AcmeCares hi, no password reset email for two days now",
    "@AcmeCares Acme's password reset page says my account does not exist",
    "@AcmeCares I asked for a password reset three times, nothing arrives",
    "@AcmeCares password reset still not working https://t.co/x1",
    "@AcmeCares hey the password reset code never shows up",
    "@AcmeCares where is my password reset email? thanks",
]
CHECKOUT = [
    "@AcmeCares the website checkout keeps failing at the payment step",
    "@AcmeCares checkout keeps failing with my card, order AB12CD",
    "@AcmeCares why does the checkout keep failing every time",
    "@AcmeCares checkout keeps failing on the app too",
    "@AcmeCares hi checkout keeps failing since yesterday",
    "@AcmeCares the checkout keeps failing, I want to buy the lamp",
    "@AcmeCares checkout keeps failing when I add a coupon",
    "@AcmeCares still the checkout keeps failing, tried two cards",
]


def test_the_brand_name_of_a_care_handle_is_not_a_theme_word() -> None:
    assert {"acmecares", "acme"} <= themes.brand_names(THANKS + PASSWORD)
    assert themes.content("@AcmeCares Acme's app", themes.brand_names(THANKS)) == "app"
    assert themes.brand_names(["@united late", "@united again"]) == frozenset({"united"})


def test_agent_signatures_and_app_links_are_not_content() -> None:
    assert themes.content("@1234 Sorry for the wait, DM us ^JM") == "Sorry for the wait, DM us"
    assert themes.content("this one acme:track:9xYz01 skips") == "this one skips"
    assert themes.content("note: see here") == "note: see here"


def test_labels_read_like_a_person_wrote_them() -> None:
    result = themes.cluster(THANKS + PASSWORD + CHECKOUT, k=3)
    got = [result.label_of(a) for a in result.assignments]
    assert got[:8] == ["thank you"] * 8  # not "youu", "rock" or "guys"
    assert set(got[8:16]) == {"password reset"}
    assert set(got[16:]) == {"keeps failing"}  # not "checkout keeps"
    for theme in result.themes:
        assert not {"acme", "acmecares", "thanks", "guys", "youu"} & set(theme.keywords)


def test_label_words_leave_out_fillers_and_dangling_phrases() -> None:
    terms = theme_labels._label_terms("thanks guys, was due last week soo annoying hahaha")
    assert "last week" in terms and "annoying" in terms
    assert not {"thanks", "guys", "due last", "soo", "hahaha"} & terms


def test_a_phrase_labels_a_theme_only_when_said_often_enough() -> None:
    # "united states" is said by 1 of 10 messages, "usa" by all: the word wins
    assert theme_label(["usa", "united states"], {"usa": 10, "united states": 1}) == "usa"
    got = theme_label(["flight", "late flight"], {"flight": 100, "late flight": 20})
    assert got == "late flight"
    # a word too vague alone gives way to the next term
    assert theme_label(["comes", "password"], {"comes": 8, "password": 8}) == "password"


def test_a_theme_of_short_replies_says_so() -> None:
    assert reply_label(["ok", "nope", "yes ok", "lol", "sure"], {}) == "short replies"
    assert reply_label(["thanks!", "thank you", "ok", "cheers"], {}) == "thank you"
    # a content word most of them share labels the theme instead
    assert reply_label(["thanks, refund", "refund ok", "refund"], {"refund": 3}) == ""
