"""Moderation: packaged spam/toxicity models, editable rules, reasons for every flag."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from socialproof.community import moderation
from socialproof.errors import BadInput, FileMissing

FIXTURES = Path(__file__).parents[1] / "data" / "community" / "textmodels"
NO_MODELS = {"models": {"spam": False, "toxic": False}}


@pytest.fixture(scope="module")
def mod() -> moderation.Moderator:
    return moderation.load()


def test_models_flag_our_own_cases(mod: moderation.Moderator) -> None:
    with (FIXTURES / "moderation_cases.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    flags = mod.flag([r["text"] for r in rows])
    for row, f in zip(rows, flags, strict=True):
        assert f.spam == (row["expect_spam"] == "1"), (row["text"], f)
        assert f.toxic == (row["expect_toxic"] == "1"), (row["text"], f)


def test_every_flag_has_a_reason(mod: moderation.Moderator) -> None:
    texts = ["subscribe to my channel http://bit.ly/x", "you idiot", "nice", "HELLO EVERYBODY HERE"]
    for f in mod.flag(texts):
        assert f.flagged == bool(f.reasons)
        assert 0.0 <= f.spam_score <= 1.0 and 0.0 <= f.toxic_score <= 1.0


def test_model_reasons_name_the_model_and_score(mod: moderation.Moderator) -> None:
    [f] = mod.flag(["You are a stupid idiot and everyone hates you"])
    assert f.toxic and any(re.fullmatch(r"toxic model [01]\.\d\d", r) for r in f.reasons)


def test_blocked_terms_are_whole_words_and_case_insensitive() -> None:
    mod = moderation.load({**NO_MODELS, "blocked_terms": {"toxic": ["darn"], "spam": ["promo"]}})
    hit, miss, spam = mod.flag(["Well DARN it", "darned socks", "DM for PROMO"])
    assert hit.toxic and hit.reasons == ["blocked term 'darn'"]
    assert not miss.flagged
    assert spam.spam and not spam.toxic


@pytest.mark.parametrize(
    ("policy", "text", "flagged"),
    [
        ("allow", "see http://bit.ly/abc", False),
        ("shorteners", "see http://bit.ly/abc", True),
        ("shorteners", "see https://example.com/page", False),
        ("flag_unknown", "see https://shop.example.com/page", False),
        ("flag_unknown", "see https://other.net/page", True),
        ("flag_all", "see https://example.com/page", True),
        # an e-mail address is no link, under any policy
        ("flag_unknown", "my account is jo.smith@other.net", False),
        ("flag_all", "my account is jo.smith@other.net", False),
    ],
)
def test_link_policy(policy: str, text: str, flagged: bool) -> None:
    rules = {**NO_MODELS, "links": {"policy": policy, "allowed_domains": ["example.com"]}}
    [f] = moderation.load(rules).flag([text])
    assert f.spam is flagged
    if flagged:
        assert any("link" in r for r in f.reasons)


def test_repeated_text_in_a_batch() -> None:
    mod = moderation.load({**NO_MODELS, "repeated_text": {"min_count": 3, "min_chars": 5}})
    texts = ["Win a free phone now!", "win a FREE phone now", "Win a free phone, now!!", "hi", "hi"]
    flags = mod.flag(texts + ["hi"])
    assert all(f.spam for f in flags[:3])
    assert "repeated text (3 times in this batch)" in flags[0].reasons
    assert not any(f.spam for f in flags[3:])  # "hi" is shorter than min_chars


def test_all_caps_rule() -> None:
    mod = moderation.load({**NO_MODELS, "all_caps": {"min_letters": 10, "flag_as": "toxic"}})
    shout, normal, short = mod.flag(["THIS IS A DISGRACE FIX IT", "This is fine", "OK THX"])
    assert shout.toxic and shout.reasons[0].startswith("all caps")
    assert not normal.flagged and not short.flagged


def test_workspace_file_overrides_defaults(tmp_path: Path) -> None:
    (tmp_path / "moderation.yaml").write_text(
        "models: {spam: false, toxic: false}\nblocked_terms:\n  spam: [giveaway]\n",
        encoding="utf-8",
    )
    rules = moderation.workspace_guidelines(tmp_path)
    assert rules.blocked_spam == ("giveaway",)
    assert rules.link_policy == "shorteners"  # untouched keys keep the defaults
    [f] = moderation.load(rules).flag(["Huge giveaway today"])
    assert f.spam and f.reasons == ["blocked term 'giveaway'"]


def test_workspace_without_file_uses_defaults(tmp_path: Path) -> None:
    assert moderation.workspace_guidelines(tmp_path).source == "packaged defaults"


@pytest.mark.parametrize(
    "content",
    [
        "links: {policy: sometimes}\n",
        "blocked_terms: {spam: notalist}\n",
        "all_caps: {ratio: 3}\n",
        "- just\n- a list\n",
        "links: [oops\n",
        "links: 5\n",
    ],
)
def test_bad_guidelines_give_one_clear_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "moderation.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BadInput):
        moderation.load(path)


def test_missing_guidelines_file(tmp_path: Path) -> None:
    with pytest.raises(FileMissing):
        moderation.load(tmp_path / "nope.yaml")


@pytest.mark.parametrize(
    "text", ["", "   ", "😡😡😡", "a" * 50_000, "Bonjour! 你好 hola qué tal", "\ud800"]
)
def test_bad_input_gets_a_result(mod: moderation.Moderator, text: str) -> None:
    [f] = mod.flag([text])
    assert isinstance(f.spam, bool) and isinstance(f.toxic, bool)


def test_empty_text_is_never_flagged(mod: moderation.Moderator) -> None:
    assert not any(f.flagged for f in mod.flag(["", "  ", ""]))


def test_model_provenance_is_recorded(mod: moderation.Moderator) -> None:
    assert mod.spam_model is not None and mod.toxic_model is not None
    assert "YouTube" in str(mod.spam_model.meta["trained_on"])
    assert "OffensEval" in str(mod.toxic_model.meta["trained_on"])


def test_repeated_text_counts_copies_by_the_same_author() -> None:
    from socialproof.community import moderation

    model = moderation.load()
    texts = ["@acme when will my order arrive please?"] * 4 + [
        "Win a free phone at my page now!!"
    ] * 3
    authors = ["a", "b", "c", "d", "bot", "bot", "bot"]
    flags = model.flag(texts, authors=authors)
    assert not any("repeated text" in r for f in flags[:4] for r in f.reasons)
    assert all(
        any("repeated text (3 times by this author" in r for r in f.reasons) for f in flags[4:]
    )
    # an author that is empty or None is unknown: nobody's copy, however many there are
    unknown = model.flag(texts[:4], authors=["", None, "  ", ""])
    assert not any("repeated text" in r for f in unknown for r in f.reasons)
    # without authors every copy in the batch counts, as before
    anon = model.flag(texts)
    assert all(
        any("repeated text (4 times in this batch)" in r for r in f.reasons) for f in anon[:4]
    )


def test_a_customer_asking_for_a_private_channel_is_not_spam_on_the_model_alone() -> None:
    from socialproof.community import moderation

    model = moderation.load()
    care = [
        "@acmehelp thank you. please check your dm",
        "@acmehelp follow me back so I can DM you my order number",
        "@acmehelp I can DM it to you if you follow me",
    ]
    spam = [
        "Follow us and we will send you a free gift card",  # "we", "send": a promoter
        "@acmehelp please check your dm http://bit.ly/2xYz",  # with a link
    ]
    texts = care + spam
    flags = model.flag(texts, authors=[f"a{i}" for i in range(len(texts))])
    limit = float(model.spam_model.meta["threshold"])
    # the model alone would flag every one of them: the rule is what keeps the care ones
    assert all(f.spam_score >= limit for f in flags)
    assert [f.spam for f in flags] == [False, False, False, True, True]
    assert all(f.reasons == [] for f in flags[:3])
    assert any(r.startswith("spam model") for r in flags[3].reasons)


def test_the_models_do_not_read_emails_or_care_links() -> None:
    mod = moderation.load({"links": {"allowed_domains": ["acme-shop.example"]}})
    read = mod.model_text
    assert read("mail me at jo.smith+acme@mail.co.uk please") == "mail me at __email__ please"
    assert read("@acme jo@x.io") == "@acme __email__"
    # carriers' pages, the brand's own domain, paths naming an order or a tracking number
    assert read("see https://www.ups.com/track?x=1 now") == "see   now"
    assert read("https://acme-shop.example/p/1 broke") == "  broke"
    assert read("at https://shop.other.com/account/orders/1234 ok") == "at   ok"
    assert read("https://fedex.com.evil.example/x") == "https://fedex.com.evil.example/x"
    # other links stay: a promoter's link is what the spam model weighs
    for text in (
        "go to https://win-now.example/giveaway",
        "see https://orders.example.com/free-followers",  # 'orders' in the host, not the path
        "my mixtape https://soundcloud.com/me/tracks/1",
    ):
        assert read(text) == text
    # a workspace can name its own carriers (the packaged list is replaced, as any key)
    own = moderation.load({"links": {"care_domains": ["parcel.example"]}})
    assert own.model_text("https://parcel.example/x1 late") == "  late"
    assert own.model_text("https://ups.com/x1 late") == "https://ups.com/x1 late"


def test_emoji_only_texts_are_not_spam_on_the_model_alone() -> None:
    mod = moderation.load({"models": {"spam_threshold": 0.0}})  # the model flags everything
    emoji, bare_link, words = mod.flag(["@acme 😔😔😔😔😔😔😔😔", "https://win-now.example", "ok"])
    assert not emoji.spam
    assert bare_link.spam and words.spam  # a link, or a word, is still for the model to judge
    # repeats and blocked terms still flag such a text
    rules = {"blocked_terms": {"spam": ["🤑"]}}
    [blocked] = moderation.load(rules).flag(["🤑🤑"])
    assert blocked.reasons == ["blocked term '🤑'"]


def test_a_customer_writing_about_their_subscription_is_not_spam_on_the_model_alone() -> None:
    model = moderation.load()
    care = [
        "@acmemusic Thanks. I have already subscribed.",
        "@acmemusic what about deals for loyal subscribers like me?",
        "@acmemusic can you put a link to your subscribe page? cheers",
        "@acmemusic my free trial ended but I subscribe and pay through my phone company",
        "@acmemusic paid subscribers should be able to block people",
    ]
    spam = [
        "@acmemusic subscribe to my channel for more music",  # the promoter's imperative
        "@acmemusic help me get 100 subscribers by tomorrow",  # a count to reach
        "@acmemusic I subscribe back to everyone who subscribes to me",
        "@acmemusic loyal subscribers get a free gift card at https://win-now.example",
        "@acmemusic Subscribe and share my new single!",
        "what about deals for loyal subscribers like me?",  # addressed to no account
    ]
    texts = care + spam
    flags = model.flag(texts, authors=[f"a{i}" for i in range(len(texts))])
    limit = float(model.spam_model.meta["threshold"])
    # the model alone would flag every one of them: the rule is what keeps the care ones
    assert all(f.spam_score >= limit for f in flags), [
        (t, f.spam_score) for t, f in zip(texts, flags, strict=True)
    ]
    assert [f.spam for f in flags] == [False] * len(care) + [True] * len(spam)
    assert all(f.reasons == [] for f in flags[: len(care)])


def test_copies_sent_within_a_day_to_one_account_are_a_customer_waiting() -> None:
    from datetime import UTC, datetime, timedelta

    model = moderation.load(NO_MODELS)
    start = datetime(2026, 3, 2, 15, tzinfo=UTC)
    evening = [start, start + timedelta(hours=7), start + timedelta(hours=8)]
    days = [start + timedelta(days=i) for i in range(3)]
    plea = "@acme Please answer my DM!"

    def repeated(texts: list[str], times: list[datetime | None] | None) -> list[bool]:
        flags = model.flag(texts, authors=["ann"] * len(texts), times=times)
        return ["repeated text (" in " ".join(f.reasons) for f in flags]

    assert repeated([plea, plea, plea + "!"], list(evening)) == [False] * 3
    assert repeated([plea] * 3, list(days)) == [True] * 3  # over three days
    assert repeated([plea] * 3, None) == [True] * 3  # times unknown: as before
    assert repeated([plea] * 3, [*evening[:2], None]) == [True] * 3
    # a link, or other recipients, in the copies: repeated text however close together
    linked = "@acme answer me https://win-now.example"
    assert repeated([linked] * 3, list(evening)) == [True] * 3
    assert repeated(["@acme @bob @cat look at this now"] * 3, list(evening)) == [True] * 3
    # an e-mail address is no recipient
    assert (
        repeated(["@acme my account is jo@mail.example, please help"] * 3, list(evening))
        == [False] * 3
    )
    # without authors, copies are anyone's: not one customer waiting
    anon = model.flag([plea] * 3, times=list(evening))
    assert all("repeated text (3 times in this batch)" in f.reasons for f in anon)
    with pytest.raises(ValueError, match="one time per text"):
        model.flag([plea], times=[])


def test_please_check_dm_and_curly_apostrophes_are_read_as_a_customer_writes_them() -> None:
    mod = moderation.load({"models": {"spam_threshold": 0.0}})  # the model flags everything
    care = [
        "@acmehelp Please check DM",
        "@acmehelp one last question pls check dm thank you",
        "@acmemusic I\u2019ve subscribed, why do I still get ads?",  # a phone's apostrophe
        "@acmehelp I can\u2019t DM you, please follow me",
    ]
    spam = ["@acmehelp please check DM https://win-now.example", "I\u2019ve a new channel"]
    flags = mod.flag(care + spam, authors=[f"a{i}" for i in range(6)])
    assert [f.spam for f in flags] == [False] * 4 + [True] * 2
