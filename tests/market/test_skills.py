"""Linking text to the catalogue (gazetteer with spans) and to ESCO labels (ranking)."""

from __future__ import annotations

from socialproof.careers.catalogue import load_catalogue
from socialproof.market.skills import EscoLinker, Gazetteer, esco_labels, gazetteer, trie_regex


def test_gazetteer_finds_aliases_with_spans_and_variants() -> None:
    text = (
        "Short form video, Hootsuite, A/B testing, #ad disclosures and GA4; community-management."
    )
    found = {(m.kind, m.id): m for m in gazetteer().find(text)}
    assert ("skill", "short-form-video") in found
    assert ("tool", "hootsuite") in found and ("tool", "google-analytics") in found
    assert ("skill", "ab-testing") in found and ("skill", "disclosure-rules") in found
    assert ("skill", "community-management") in found  # hyphen matches a space
    for m in found.values():
        assert text[m.start : m.end] == m.text


def test_capitalised_aliases_are_case_sensitive() -> None:
    g = gazetteer()
    assert any(m.id == "later" for m in g.find("We schedule with Later and Canva."))
    assert not any(m.id == "later" for m in g.find("You will report later in the week."))
    assert not any(m.id == "slack" for m in g.find("Pick up the slack when needed."))


def test_words_inside_other_words_do_not_match() -> None:
    assert not any(m.id == "seo" for m in gazetteer().find("Our CEO and the seoul office."))


def test_trie_regex_matches_exactly_the_words() -> None:
    import re

    words = ["paid social", "paid", "pr", "press", "social"]
    rx = re.compile(r"^(?:" + trie_regex(words) + r")$")
    for w in words:
        assert rx.match(w)
    for w in ["pai", "paid socia", "p", "presss"]:
        assert not rx.match(w)


def test_gazetteer_subset_of_kinds() -> None:
    g = Gazetteer(load_catalogue(), kinds=("platform",))
    kinds = {m.kind for m in g.find("TikTok and Instagram, paid social, Hootsuite")}
    assert kinds == {"platform"}


def test_esco_linker_ranks_the_right_label_first() -> None:
    linker = EscoLinker(
        [
            "apply social media marketing",
            "operate forklift",
            "manage budgets",
            "carry out forum moderation",
            "create digital images",
        ]
    )
    ranked = linker.rank(
        ["social media marketing", "moderating the forum", "budget management"], k=3
    )
    assert ranked[0][0][0] == "apply social media marketing"
    assert ranked[1][0][0] == "carry out forum moderation"
    assert ranked[2][0][0] == "manage budgets"
    assert linker.rank([]) == []


def test_packaged_esco_labels_include_the_catalogue_links() -> None:
    labels = set(esco_labels())
    assert len(labels) > 10_000
    cat = load_catalogue()
    for skill in cat.skills.values():
        for label in skill.esco_labels:
            assert label in labels, (skill.id, label)
