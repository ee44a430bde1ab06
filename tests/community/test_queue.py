"""Batch scoring into message_scores, the moderation queue and sentiment per period.

Stand-in models (keyword rules below) keep these tests about the plumbing; the
packaged models have their own tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from tests.community.test_threads import msg


class KeywordSentiment:
    def predict(self, texts: list[str]) -> list[tuple[str, float]]:
        out = []
        for t in texts:
            if "love" in t:
                out.append(("positive", 0.9))
            elif "broken" in t or "hate" in t:
                out.append(("negative", -0.8))
            else:
                out.append(("neutral", 0.0))
        return out


@dataclass
class Flags:
    spam: bool
    toxic: bool
    reasons: list[str] = field(default_factory=list)


class KeywordModeration:
    def flag(
        self,
        texts: list[str],
        authors: list[str | None] | None = None,
        repeats: list[int] | None = None,
    ) -> list[Flags]:
        out = []
        for t in texts:
            reasons = []
            spam = "buy now" in t
            toxic = "idiot" in t
            if spam:
                reasons.append("spam: 'buy now' link bait")
            if toxic:
                reasons.append("toxic: insult 'idiot'")
            out.append(Flags(spam, toxic, reasons))
        return out


@pytest.fixture
def models() -> Any:
    from socialproof.community.scoring import Models

    return Models(sentiment=KeywordSentiment(), moderation=KeywordModeration())


ROWS = [
    msg("1", "ann", "2026-03-02 10:00", text="I love the new app"),
    msg("2", "bob", "2026-03-02 11:00", text="checkout is broken"),
    msg("3", "cat", "2026-03-03 11:00", text="buy now cheap followers http://spam.example"),
    msg("4", "dan", "2026-03-04 11:00", text="you idiot, buy now"),
    msg(
        "5", "@acme", "2026-03-04 12:00", "4", text="idiot-proof guide: buy now"
    ),  # brand: never scored
    msg("6", "eve", "2026-03-10 09:00", text="still broken"),
    msg("7", "fay", "2026-03-10 10:00", text="hate this"),
    msg("8", "gus", "2026-03-11 10:00", text="love it"),
]


def test_scores_member_messages_incrementally(workspace: Any, insert: Any, models: Any) -> None:
    from socialproof.community.scoring import score_messages

    insert("messages", ROWS)
    first = score_messages(workspace, models=models, batch_size=3)
    assert (first.scored, first.already) == (7, 0)
    again = score_messages(workspace, models=models)
    assert (again.scored, again.already) == (0, 7)
    insert("messages", [msg("2", "bob", "2026-03-02 11:00", text="checkout works, love it")])
    changed = score_messages(workspace, models=models)
    assert changed.scored == 1


def test_queue_orders_toxic_then_spam_with_reasons(
    workspace: Any, insert: Any, models: Any
) -> None:
    from socialproof.community.queue import moderation_queue
    from socialproof.community.scoring import score_messages

    insert("messages", ROWS)
    score_messages(workspace, models=models)
    q = moderation_queue(workspace)
    assert list(q["message_id"]) == ["4", "3"]
    assert q.loc[0, "reasons"] == "spam: 'buy now' link bait; toxic: insult 'idiot'"
    assert bool(q.loc[0, "toxic"]) and not bool(q.loc[1, "toxic"])
    assert "5" not in set(q["message_id"])  # brand replies are not moderated


def test_a_handle_set_after_scoring_takes_the_brands_replies_out_of_the_queue(
    tmp_path: Any, models: Any
) -> None:
    """Imported before brand.handles was set, the brand's replies were scored as members'
    (one flagged); once the handle is set they are the brand's, not the moderators'."""
    from tests.community.test_threads import make_ws

    from socialproof.community.queue import moderation_queue
    from socialproof.community.scoring import score_messages
    from socialproof.workspace.settings import settings_from_dict

    ws = make_ws(tmp_path, brand={"handles": []})
    ws.insert_rows([
        msg("1", "dan", "2026-03-04 11:00", text="you idiot"),
        msg("2", "AcmeShop", "2026-03-04 12:00", "1", text="buy now: our sale guide"),
    ])  # fmt: skip
    score_messages(ws, models=models)
    assert list(moderation_queue(ws)["message_id"]) == ["1", "2"]
    ws.settings = settings_from_dict({"brand": {"handles": ["AcmeShop"]}})
    assert list(moderation_queue(ws)["message_id"]) == ["1"]  # the report counts these


def test_queue_is_empty_without_flags(workspace: Any, insert: Any, models: Any) -> None:
    from socialproof.community.queue import moderation_queue
    from socialproof.community.scoring import score_messages

    insert("messages", ROWS[:2])
    score_messages(workspace, models=models)
    assert moderation_queue(workspace).empty


def test_long_text_preview_is_cut(workspace: Any, insert: Any, models: Any) -> None:
    from socialproof.community.queue import moderation_queue
    from socialproof.community.scoring import score_messages

    insert("messages", [msg("1", "ann", "2026-03-02 10:00", text="idiot " * 10_000)])
    score_messages(workspace, models=models)
    q = moderation_queue(workspace)
    assert len(q.loc[0, "text"]) <= 280


def test_net_sentiment_per_week(workspace: Any, insert: Any, models: Any) -> None:
    """Week of 2 March: love (+), broken (-), 2 neutral -> (1-1)/2 = 0.
    Week of 9 March: broken (-), hate (-), love (+) -> (1-2)/3 = -1/3."""
    from socialproof.community.scoring import score_messages, sentiment_by_period

    insert("messages", ROWS)
    score_messages(workspace, models=models)
    df = sentiment_by_period(workspace, period="week")
    got = {str(p)[:10]: r for p, r in zip(df["period"], df.to_dict("records"), strict=True)}
    assert got["2026-03-02"]["messages"] == 4
    assert got["2026-03-02"]["net_sentiment"] == pytest.approx(0.0)
    assert got["2026-03-09"]["net_sentiment"] == pytest.approx(-1 / 3)


def test_missing_models_degrade_with_a_note(workspace: Any, insert: Any) -> None:
    from socialproof.community.scoring import Models, score_messages

    insert("messages", ROWS)
    r = score_messages(workspace, models=Models(notes=["Sentiment model unavailable (x)."]))
    assert r.scored == 0
    assert r.notes


def test_messages_scored_without_moderation_are_rescored_when_it_arrives(
    workspace: Any, insert: Any
) -> None:
    from socialproof.community.queue import moderation_queue
    from socialproof.community.scoring import Models, score_messages

    insert("messages", ROWS)
    first = score_messages(workspace, models=Models(sentiment=KeywordSentiment()))
    assert first.scored == 7
    assert moderation_queue(workspace).empty
    both = Models(sentiment=KeywordSentiment(), moderation=KeywordModeration())
    assert score_messages(workspace, models=both).scored == 7
    assert list(moderation_queue(workspace)["message_id"]) == ["4", "3"]
