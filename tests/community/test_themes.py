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
