"""Moderation decisions: stored, applied to the queue, listed, and used to suggest thresholds."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from tests.community.test_queue import ROWS, KeywordModeration, KeywordSentiment
from tests.community.test_threads import msg

from socialproof.errors import BadInput, NotFound, UsageError


@pytest.fixture
def scored(workspace: Any, insert: Any) -> Any:
    from socialproof.community.scoring import Models, score_messages

    insert("messages", ROWS)
    score_messages(
        workspace, models=Models(sentiment=KeywordSentiment(), moderation=KeywordModeration())
    )
    return workspace


def _queue_ids(ws: Any, **kw: Any) -> list[str]:
    from socialproof.community.queue import moderation_queue

    return list(moderation_queue(ws, **kw)["message_id"])


def test_dismissed_flag_leaves_the_queue_and_is_stored(scored: Any) -> None:
    from socialproof.community.decisions import decisions, dismissed_ids, record_decision

    assert _queue_ids(scored) == ["4", "3"]
    d = record_decision(scored, "3", "dismiss", who="Dana", note="a partner's link")
    assert (d.platform, d.message_id, d.flag, d.decision) == ("x", "3", "spam", "dismiss")
    assert _queue_ids(scored) == ["4"]
    assert _queue_ids(scored, include_dismissed=True) == ["4", "3"]
    assert list(dismissed_ids(scored)) == [("x", "3")]
    rows = decisions(scored)
    assert len(rows) == 1
    row = rows.iloc[0]
    assert row["decided_by"] == "Dana" and row["note"] == "a partner's link"
    assert row["reasons"] == "spam: 'buy now' link bait"


def test_confirmed_flag_stays_and_says_who_confirmed(scored: Any) -> None:
    from socialproof.community.decisions import record_decision
    from socialproof.community.queue import moderation_queue

    record_decision(scored, "4", "confirm", who="Lee")
    q = moderation_queue(scored)
    labels = dict(zip(q["message_id"], q["decision"], strict=True))
    assert labels["4"].startswith("confirmed by Lee on ")
    assert labels["3"] == ""


def test_latest_decision_counts(scored: Any) -> None:
    from socialproof.community.decisions import decisions, record_decision

    record_decision(scored, "3", "dismiss", who="Dana")
    record_decision(scored, "3", "confirm", who="Lee", note="it is spam after all")
    assert _queue_ids(scored) == ["4", "3"]
    assert len(decisions(scored)) == 2
    latest = decisions(scored, latest=True)
    assert list(latest["decision"]) == ["confirm"]


def test_an_edited_message_is_flagged_again(workspace: Any, insert: Any) -> None:
    """The dismissal holds for the text the person saw; new text gets a new look."""
    from socialproof.community.decisions import record_decision
    from socialproof.community.queue import moderation_queue

    q_before = ["3"]
    from socialproof.community.scoring import Models, score_messages

    models = Models(sentiment=KeywordSentiment(), moderation=KeywordModeration())
    insert("messages", [ROWS[2]])
    score_messages(workspace, models=models)
    assert _queue_ids(workspace) == q_before
    record_decision(workspace, "3", "dismiss", who="Dana")
    assert _queue_ids(workspace) == []
    with workspace.transaction() as con:
        con.execute("UPDATE messages SET text = 'buy now, really' WHERE message_id = '3'")
    score_messages(workspace, models=models)
    q = moderation_queue(workspace)
    assert list(q["message_id"]) == ["3"] and q.loc[0, "decision"] == ""


def test_bad_decisions_are_clear_errors_and_store_nothing(scored: Any) -> None:
    from socialproof.community.decisions import decisions, record_decision

    with pytest.raises(UsageError, match="Unknown decision 'maybe'"):
        record_decision(scored, "3", "maybe", who="Dana")
    with pytest.raises(NotFound, match="No scored member message 'nope'"):
        record_decision(scored, "nope", "dismiss", who="Dana")
    with pytest.raises(BadInput, match="is not flagged"):
        record_decision(scored, "1", "dismiss", who="Dana")
    with pytest.raises(NotFound):
        record_decision(scored, "3", "dismiss", who="Dana", platform="reddit")
    with pytest.raises(UsageError, match="under 2,000"):
        record_decision(scored, "3", "dismiss", who="Dana", note="x" * 2001)
    assert decisions(scored).empty


def test_same_id_on_two_platforms_needs_a_platform(workspace: Any, insert: Any) -> None:
    from socialproof.community.decisions import record_decision
    from socialproof.community.scoring import Models, score_messages

    insert(
        "messages",
        [
            msg("9", "ann", "2026-03-02 10:00", text="buy now"),
            msg("9", "bob", "2026-03-02 11:00", text="buy now!", platform="reddit"),
        ],
    )
    score_messages(
        workspace, models=Models(sentiment=KeywordSentiment(), moderation=KeywordModeration())
    )
    with pytest.raises(UsageError, match="several platforms"):
        record_decision(workspace, "9", "dismiss", who="Dana")
    d = record_decision(workspace, "9", "dismiss", who="Dana", platform="Reddit")
    assert d.platform == "reddit"
    assert _queue_ids(workspace) == ["9"]  # the x one is still flagged


def _add(ws: Any, rows: list[tuple[str, float, str]]) -> None:
    import pyarrow as pa

    from socialproof.workspace import engine

    n = len(rows)
    data = pa.table(
        {
            "platform": ["x"] * n,
            "message_id": [f"m{i}" for i in range(n)],
            "flag": [kind for kind, _, _ in rows],
            "reasons": [f'["{kind} model {score:.2f}"]' for kind, score, _ in rows],
            "decision": [d for _, _, d in rows],
            "decided_by": ["Dana"] * n,
            "decided_at": [datetime(2026, 3, 1, 10, i) for i in range(n)],
            "spam_score": [score if kind == "spam" else 0.1 for kind, score, _ in rows],
            "toxic_score": [score if kind == "toxic" else 0.1 for kind, score, _ in rows],
        }
    )
    with ws.transaction() as con:
        engine.append(con, "moderation_decisions", data)


def test_threshold_suggested_between_dismissed_and_confirmed(workspace: Any) -> None:
    from socialproof.community.decisions import suggest_thresholds

    _add(
        workspace,
        [
            ("spam", 0.91, "confirm"),
            ("spam", 0.85, "confirm"),
            ("spam", 0.80, "confirm"),
            ("spam", 0.62, "dismiss"),
            ("spam", 0.55, "dismiss"),
            ("spam", 0.70, "dismiss"),
        ],
    )
    spam, toxic = suggest_thresholds(workspace)
    assert spam.kind == "spam" and spam.threshold == 0.75  # midway between 0.70 and 0.80
    assert (spam.kept, spam.dropped, spam.confirmed, spam.dismissed) == (3, 3, 3, 3)
    assert "models.spam_threshold" in spam.explanation
    assert toxic.threshold is None and "Not enough decisions" in toxic.explanation


def test_threshold_with_overlap_keeps_most_decisions_right(workspace: Any) -> None:
    from socialproof.community.decisions import suggest_thresholds

    _add(
        workspace,
        [
            ("toxic", 0.95, "confirm"),
            ("toxic", 0.90, "confirm"),
            ("toxic", 0.60, "confirm"),  # a confirmed flag below two dismissed ones
            ("toxic", 0.70, "dismiss"),
            ("toxic", 0.65, "dismiss"),
            ("toxic", 0.50, "dismiss"),
        ],
    )
    toxic = suggest_thresholds(workspace)[1]
    # cut at 0.80 gets 5 of 6 right (misses the 0.60 confirm); at 0.55 gets 4 of 6
    assert toxic.threshold == 0.8
    assert (toxic.kept, toxic.dropped) == (2, 3)


def test_decisions_without_table_rows_are_empty(workspace: Any) -> None:
    from socialproof.community.decisions import decisions, dismissed_ids, suggest_thresholds

    assert decisions(workspace).empty
    assert dismissed_ids(workspace) == {}
    assert all(s.threshold is None for s in suggest_thresholds(workspace))


def test_cli_decide_and_list(cli: Any, scored: Any) -> None:
    import json

    res = cli(
        "community", "decide", "3", "dismiss", "--as", "Dana", "--note", "ok", cwd=scored.root
    )
    assert res.exit_code == 0, res
    assert "Dismissed the spam flag on x message 3 as Dana." in res.stdout
    res = cli("community", "decide", "4", "maybe", cwd=scored.root)
    assert res.exit_code == 2 and "Traceback" not in res.stderr
    res = cli("community", "decide", "nope", "confirm", cwd=scored.root)
    assert res.exit_code == 1 and "No scored member message 'nope'" in res.stderr
    res = cli("community", "decisions", "-f", "json", cwd=scored.root)
    assert res.exit_code == 0, res
    rows = json.loads(res.stdout)
    assert [(r["message_id"], r["decision"], r["note"]) for r in rows] == [("3", "dismiss", "ok")]
    assert "Not enough decisions on spam flags" in res.stderr


def test_report_counts_decisions(scored: Any) -> None:
    from socialproof.community.decisions import record_decision
    from socialproof.community.report import _flag_counts
    from socialproof.community.threads import Scope

    record_decision(scored, "3", "dismiss", who="Dana")
    record_decision(scored, "4", "confirm", who="Dana")
    assert _flag_counts(scored, Scope()) == {
        "flagged": 1,
        "spam": 1,
        "toxic": 1,
        "confirmed": 1,
        "dismissed": 1,
    }


_SEPARABLE = [
    ("spam", 0.91, "confirm"),
    ("spam", 0.85, "confirm"),
    ("spam", 0.80, "confirm"),
    ("spam", 0.62, "dismiss"),
    ("spam", 0.55, "dismiss"),
    ("spam", 0.70, "dismiss"),
]


def test_cli_applies_the_suggested_threshold_and_the_moderator_uses_it(
    cli: Any, workspace: Any
) -> None:
    import yaml

    from socialproof.community import moderation

    (workspace.root / "moderation.yaml").write_text(
        "# our rules\nblocked_terms:\n  toxic: [darn]\n", encoding="utf-8"
    )
    _add(workspace, _SEPARABLE)
    res = cli("community", "decisions", "--apply", "-f", "json", cwd=workspace.root)
    assert res.exit_code == 0, res
    assert "models.spam_threshold: the packaged default -> 0.75" in res.stderr
    saved = yaml.safe_load((workspace.root / "moderation.yaml").read_text(encoding="utf-8"))
    assert saved["models"] == {"spam_threshold": 0.75}
    assert saved["blocked_terms"] == {"toxic": ["darn"]}  # the team's other rules stay
    rules = moderation.workspace_guidelines(workspace.root)
    assert rules.spam_threshold == 0.75 and rules.toxic_threshold is None
    mod = moderation.load(rules)
    high, low = mod.flag(["a b c d", "e f g h"], scores=([0.80, 0.70], [0.0, 0.0]))
    assert high.spam and high.reasons == ["spam model 0.80"]
    assert not low.flagged  # 0.70 was dismissed by the team: below the new threshold


def test_apply_without_a_suggestion_writes_nothing(cli: Any, workspace: Any) -> None:
    _add(workspace, _SEPARABLE[:2])
    res = cli("community", "decisions", "--apply", "-f", "json", cwd=workspace.root)
    assert res.exit_code == 0, res
    assert "Nothing applied" in res.stderr
    assert not (workspace.root / "moderation.yaml").exists()


def test_apply_refuses_a_broken_moderation_file(cli: Any, workspace: Any) -> None:
    (workspace.root / "moderation.yaml").write_text("models: [1, 2\n", encoding="utf-8")
    _add(workspace, _SEPARABLE)
    res = cli("community", "decisions", "--apply", "-f", "json", cwd=workspace.root)
    assert res.exit_code != 0 and "Traceback" not in res.stderr
    assert "not valid YAML" in res.stderr
    assert (workspace.root / "moderation.yaml").read_text(encoding="utf-8") == "models: [1, 2\n"
