"""Themes read the sentiment already stored in ``message_scores`` instead of scoring again.

The community report scores every new message, then finds themes on a sample: the
sample's sentiment mix comes from the stored labels; the model runs only for messages
without a label for their current text (not scored, or edited since).
"""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest
from tests.community.test_queue import KeywordSentiment
from tests.community.test_report import THEME_ROWS
from tests.community.test_threads import msg


class CountingSentiment(KeywordSentiment):
    def __init__(self) -> None:
        self.seen: list[str] = []

    def predict(self, texts: list[str]) -> list[tuple[str, float]]:
        self.seen.extend(texts)
        return super().predict(texts)


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> CountingSentiment:
    """A keyword sentiment model that records what it scores, and a keyword themes module."""
    from socialproof.community import scoring, scoring_themes

    model = CountingSentiment()

    def load_models(ws: Any = None) -> Any:
        return scoring.Models(model, None)

    # the tests read load_models in scoring, discover_themes in scoring_themes
    monkeypatch.setattr(scoring, "load_models", load_models)
    monkeypatch.setattr(scoring_themes, "load_models", load_models)
    mod = types.ModuleType("socialproof.community.themes")

    def cluster(texts: list[str], k: Any = "auto") -> dict[str, Any]:
        return {
            "labels": [0 if "broken" in t else 1 for t in texts],
            "themes": [
                {"id": 0, "label": "broken", "keywords": ["broken"]},
                {"id": 1, "label": "other", "keywords": ["misc"]},
            ],
        }

    mod.cluster = cluster  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "socialproof.community.themes", mod)
    return model


def _mix(result: Any) -> dict[str, tuple[float, float, float]]:
    th = result.themes.set_index("label")
    return {
        str(label): (float(r["positive"]), float(r["neutral"]), float(r["negative"]))
        for label, r in th.iterrows()
    }


def test_themes_use_the_stored_sentiment(
    workspace: Any, insert: Any, counting: CountingSentiment
) -> None:
    from socialproof.community.scoring import discover_themes, load_models, score_messages

    insert("messages", THEME_ROWS)
    fresh = discover_themes(workspace, k=2, save=False)  # nothing stored: the model scores
    assert len(counting.seen) == 8  # the 8 member messages
    # member messages: broken x4 (all negative); love x2, "when is the sale", "ok thanks"
    want = {"broken": (0.0, 0.0, 1.0), "other": (0.5, 0.5, 0.0)}
    assert _mix(fresh) == want
    score_messages(workspace, models=load_models(workspace))
    counting.seen.clear()
    stored = discover_themes(workspace, k=2, save=False)
    assert counting.seen == []  # every label came from message_scores
    assert _mix(stored) == want
    # an edited message's stored label is for its old text: that one is scored again
    insert("messages", [msg("2", "bob", "2026-03-02 11:00", text="I hate the colours")])
    again = discover_themes(workspace, k=2, save=False)
    assert counting.seen == ["I hate the colours"]
    assert _mix(again) == {"broken": (0.0, 0.0, 1.0), "other": (0.25, 0.5, 0.25)}


def test_themes_see_the_messages_in_one_order_whatever_order_the_engine_returns(
    workspace: Any, insert: Any, counting: CountingSentiment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many messages share a second: they reach the themes model in a total order
    (time, platform, id), so the same messages give the same themes and examples."""
    from socialproof.community import scoring
    from socialproof.workspace import engine

    seen: list[list[str]] = []
    themes_mod = sys.modules["socialproof.community.themes"]
    keyword_cluster = themes_mod.cluster

    def recording(texts: list[str], k: Any = "auto") -> Any:
        seen.append(list(texts))
        return keyword_cluster(texts, k)

    monkeypatch.setattr(themes_mod, "cluster", recording)
    rows = [
        msg(f"m{i}", f"u{i}", "2026-03-02 10:00", text=f"same second {i} broken" * (i % 2))
        for i in range(12)
    ]
    insert("messages", [r for r in rows if r["text"]] + [msg("z", "v", "2026-03-01 09:00")])
    scoring.discover_themes(workspace, k=2, save=False)
    real = engine.execute

    def reversed_rows(expr: Any) -> Any:
        out = real(expr)
        return out.iloc[::-1] if hasattr(out, "iloc") else out

    monkeypatch.setattr(engine, "execute", reversed_rows)
    scoring.discover_themes(workspace, k=2, save=False)
    assert len(seen) == 2 and len(seen[0]) == 7
    assert seen[0] == seen[1]
    # the earliest first, then the shared second's messages by id (as text: m1, m11, m3)
    assert seen[0] == ["message z"] + [f"same second {i} broken" for i in (1, 11, 3, 5, 7, 9)]
