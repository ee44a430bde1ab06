"""Themes: packaged static embeddings, clustering with given or automatic k, labels, routing."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from socialproof.community import themes
from socialproof.errors import BadInput, UsageError

FIXTURES = Path(__file__).parents[1] / "data" / "community" / "textmodels"


@pytest.fixture(scope="module")
def small() -> tuple[list[str], list[str]]:
    with (FIXTURES / "themes_small.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [r["text"] for r in rows], [r["group"] for r in rows]


def test_embed_shape_and_norm() -> None:
    e = themes.embed(["refund please", "where is my order", ""])
    assert e.shape == (3, 256) and e.dtype == np.float32
    assert np.allclose(np.linalg.norm(e[:2], axis=1), 1.0, atol=1e-3)
    assert not e[2].any()


def test_embeddings_put_paraphrases_closer() -> None:
    a, b, c = themes.embed(["I forgot my password", "how do I reset my login", "cold brew coffee"])
    assert float(a @ b) > float(a @ c)


def _purity(assign: list[int], truth: list[str]) -> float:
    total = 0
    for t in set(assign):
        members = [g for a, g in zip(assign, truth, strict=True) if a == t]
        total += max(members.count(g) for g in set(members))
    return total / len(truth)


def test_cluster_given_k_recovers_our_groups(small: tuple[list[str], list[str]]) -> None:
    texts, groups = small
    result = themes.cluster(texts, k=4)
    assert result.k == 4 and result.k_chosen == "given"
    assert len(result.assignments) == len(texts)
    assert _purity(result.assignments, groups) >= 0.85
    assert sum(t.size for t in result.themes) == len(texts)
    assert [t.size for t in result.themes] == sorted((t.size for t in result.themes), reverse=True)


def test_labels_come_from_the_theme_words(small: tuple[list[str], list[str]]) -> None:
    texts, groups = small
    result = themes.cluster(texts, k=4)
    labels = " ".join(t.label for t in result.themes)
    assert "refund" in labels and "password" in labels or "login" in labels
    for t in result.themes:
        assert t.representatives and all(r in texts for r in t.representatives)
        members = {texts[i] for i, a in enumerate(result.assignments) if a == t.id}
        assert set(t.representatives) <= members


def test_auto_k_finds_a_sensible_number(small: tuple[list[str], list[str]]) -> None:
    texts, groups = small
    result = themes.cluster(texts, k="auto")
    assert result.k_chosen == "auto"
    assert 2 <= result.k <= 11
    assert result.silhouette is not None


def test_empty_texts_get_theme_minus_one(small: tuple[list[str], list[str]]) -> None:
    texts, _ = small
    result = themes.cluster(["", *texts[:8], "   "], k=2)
    assert result.assignments[0] == -1 and result.assignments[-1] == -1
    assert result.label_of(-1) == "(no text)"


@pytest.mark.parametrize(
    "texts",
    [
        [],
        [""],
        ["only one"],
        ["😀😀", "🎉", "😀", "🙏🙏"],
        ["x" * 50_000, "short one", "another short text"],
        ["Bonjour tout le monde", "你好世界", "hola amigos", "hello friends", "\ud800 broken"],
    ],
)
def test_bad_input_gets_a_result(texts: list[str]) -> None:
    result = themes.cluster(texts, k="auto")
    assert len(result.assignments) == len(texts)
    assert all(a == -1 or 0 <= a < result.k for a in result.assignments)


def test_more_themes_than_texts_is_capped_with_a_note() -> None:
    result = themes.cluster(["a cat", "a dog", "a bird"], k=10)
    assert result.k <= 3 and result.notes


@pytest.mark.parametrize("k", ["many", 0, -3, 10_000])
def test_bad_k_is_a_usage_error(k: object) -> None:
    with pytest.raises(UsageError):
        themes.cluster(["a", "b"], k=k)  # type: ignore[arg-type]


def test_default_routing_sends_refunds_to_support(small: tuple[list[str], list[str]]) -> None:
    texts, _ = small
    result = themes.cluster(texts, k=4, routing=themes.routing())
    by_label = {t.label: t for t in result.themes}
    refund = next(t for label, t in by_label.items() if "refund" in label)
    assert refund.destination == "support"
    assert refund.route_reason.startswith("customer problem")
    coffee = next(t for t in result.themes if any("coffee" in r for r in t.representatives))
    assert coffee.destination == "review" and coffee.route_reason == "no routing rule matched"


def test_workspace_routing_replaces_the_rules(
    tmp_path: Path, small: tuple[list[str], list[str]]
) -> None:
    (tmp_path / "routing.yaml").write_text(
        "default: community\ndestinations:\n  marketing:\n    why: praise to share\n"
        "    keywords: [coffee, latte, espresso]\n",
        encoding="utf-8",
    )
    rules = themes.workspace_routing(tmp_path)
    texts, _ = small
    result = themes.cluster(texts, k=4, routing=rules)
    dests = {t.destination for t in result.themes}
    assert dests == {"marketing", "community"}


@pytest.mark.parametrize(
    "content", ["destinations: 3\n", "destinations:\n  pr: {why: x}\n", "[unclosed\n"]
)
def test_bad_routing_file(tmp_path: Path, content: str) -> None:
    path = tmp_path / "routing.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BadInput):
        themes.routing(path)


def test_c_tf_idf_prefers_distinctive_words() -> None:
    texts = ["refund late refund", "refund missing", "coffee great", "coffee tasty"]
    words = themes.c_tf_idf(texts, [0, 0, 1, 1], 2)
    assert words[0][0] == "refund" and words[1][0] == "coffee"


@pytest.mark.parametrize(
    ("n", "limit"),
    [(0, 8), (100, 8), (256, 8), (400, 10), (1000, 16), (3600, 30), (4000, 30), (10**6, 30)],
)
def test_auto_k_is_capped_at_a_readable_number(n: int, limit: int) -> None:
    assert themes.auto_limit(n) == limit


_NOUNS = """apple banana cherry grape lemon mango melon peach pear plum bicycle car truck
train plane boat bus tram rocket scooter guitar piano violin drum flute trumpet harp cello
organ banjo doctor nurse teacher lawyer farmer pilot chef baker tailor miner football
tennis golf hockey rugby boxing skiing surfing cricket chess winter summer autumn spring
storm snow rain thunder fog frost""".split()


def _many_topics(n_topics: int, per_topic: int) -> list[str]:
    """Invented messages on ``n_topics`` topics, two words of their own each."""
    rng = np.random.default_rng(0)
    texts = []
    for t in range(n_topics):
        a, b = _NOUNS[t], _NOUNS[(t * 7 + 3) % len(_NOUNS)]
        for _ in range(per_topic):
            filler = rng.choice(["really", "so", "very", "quite"])
            texts.append(f"the {a} and the {b} are {filler} nice today")
    return texts


def test_auto_k_on_many_topics_stays_readable_and_says_so() -> None:
    texts = _many_topics(60, 10)  # 600 texts: at most round(sqrt(600) / 2) = 12 themes
    result = themes.cluster(texts, k="auto")
    assert 2 <= result.k <= 12
    assert any(n.startswith("k=auto chose ") and "up to 12" in n for n in result.notes)
    assert sum(t.size for t in result.themes) == 600  # nothing lost in the merges
    # a number asked for is kept: no cap, no merging
    given = themes.cluster(texts, k=40)
    assert given.k == 40
    assert not any("k=auto" in n or "merged" in n for n in given.notes)


def test_tiny_themes_join_their_nearest() -> None:
    from socialproof.community.themes import _merge_tiny

    x = np.array([[1.0, 0.0, 0.0]] * 300 + [[0.0, 1.0, 0.0]] * 300 + [[0.8, 0.6, 0.0]] * 3)
    x = np.vstack([x, [[0.1, 0.99, 0.0]]])  # a one-message theme nearer to theme 1
    labels = np.array([0] * 300 + [1] * 300 + [2] * 3 + [3] + [-1])
    x = np.vstack([x, [[0.0, 0.0, 1.0]]])  # a text of another (seed) theme: stays -1
    merged, n_merged, floor = _merge_tiny(x, labels)
    # 604 labelled texts: a theme under ceil(0.005 * 604) = 4 messages is tiny
    assert (n_merged, floor) == (2, 4)
    assert merged[600:603].tolist() == [0, 0, 0]  # (0.8, 0.6) is nearer to (1, 0)
    assert merged[603] == 1 and merged[604] == -1
    assert merged[:600].tolist() == [0] * 300 + [1] * 300
    # when every theme is tiny nothing is merged
    same, none, _ = _merge_tiny(x[:4], np.array([0, 1, 2, 3]))
    assert none == 0 and same.tolist() == [0, 1, 2, 3]
