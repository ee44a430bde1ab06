"""Moderation over a workspace: flags depend on the data, not on the history of runs.

The repeated-text rule counts copies of a text by its author over the whole messages
table (issue 15, item 11): the same messages give the same flags whether they came in
one import or three, in any order. Rules only (models off), so the tests are exact.
"""

from __future__ import annotations

import json
from typing import Any

from tests.community.test_threads import msg

RULES_ONLY = {"models": {"spam": False, "toxic": False}}
SPAM = "Win a free phone, follow my page now"


def _models() -> Any:
    from socialproof.community import moderation
    from socialproof.community.scoring import Models

    return Models(moderation=moderation.load(RULES_ONLY))


def _flags(workspace: Any) -> dict[str, list[str]]:
    from socialproof.workspace import engine

    with workspace.ibis() as con:
        df = engine.execute(engine.table(con, "message_scores"))
    return {str(r.message_id): json.loads(r.reasons) for r in df.itertuples()}


ROWS = [
    msg("1", "spammer", "2026-03-02 10:00", text=SPAM),
    msg("2", "ann", "2026-03-02 11:00", text="My order #4471 never arrived, can you help?"),
    msg(
        "3", "spammer", "2026-03-05 10:00", text="win a FREE phone -- follow my page now!!"
    ),  # same key
    msg("4", "bob", "2026-03-06 10:00", text=SPAM),  # another author: his first copy
    msg("5", "spammer", "2026-03-20 10:00", text=SPAM),
    msg("6", "cat", "2026-03-21 10:00", text="My order #4471 never arrived, can you help?"),
]


def test_copies_spread_over_imports_are_counted_together(workspace: Any, insert: Any) -> None:
    from socialproof.community.scoring import score_messages

    models = _models()
    insert("messages", ROWS[:2])
    score_messages(workspace, models=models)
    assert _flags(workspace) == {"1": [], "2": []}
    insert("messages", ROWS[2:4])
    score_messages(workspace, models=models)
    assert _flags(workspace)["3"] == []  # two copies so far: below the rule's 3
    insert("messages", ROWS[4:])
    again = score_messages(workspace, models=models)
    # the new message, and the two earlier copies whose count changed, are scored again
    assert again.scored == 2 + 2
    got = _flags(workspace)
    reason = "repeated text (3 times by this author in the workspace)"
    assert got["1"] == got["3"] == got["5"] == [reason]
    assert got["4"] == []  # bob posted it once
    assert got["2"] == got["6"] == []  # two customers with the same question


def test_flags_do_not_depend_on_import_order(workspace: Any, insert: Any, tmp_path: Any) -> None:
    from socialproof.community.scoring import score_messages
    from socialproof.workspace import Workspace
    from socialproof.workspace.settings import settings_from_dict

    models = _models()
    insert("messages", ROWS)
    score_messages(workspace, models=models)
    one_go = _flags(workspace)

    other = Workspace.init(
        tmp_path / "other",
        settings=settings_from_dict({"owner": "T", "timezone": "UTC"}),
    )
    from socialproof.workspace import engine
    from socialproof.workspace.schema import CANONICAL

    for row in reversed(ROWS):  # newest first, one import each
        import pyarrow as pa

        with other.transaction() as con:
            engine.upsert(con, CANONICAL["messages"], pa.Table.from_pylist([row]))
        score_messages(other, models=models)
    assert _flags(other) == one_go
    assert sum(bool(r) for r in one_go.values()) == 3


def test_removed_copies_clear_the_flag(workspace: Any, insert: Any) -> None:
    from socialproof.community.scoring import score_messages

    models = _models()
    insert("messages", ROWS)
    score_messages(workspace, models=models)
    with workspace.transaction() as con:
        con.execute("DELETE FROM messages WHERE message_id = '5'")
    score_messages(workspace, models=models)
    got = _flags(workspace)
    assert got["1"] == got["3"] == []


def test_editing_the_rules_rescores(workspace: Any, insert: Any) -> None:
    from socialproof.community import moderation
    from socialproof.community.scoring import Models, score_messages

    insert("messages", ROWS)
    score_messages(workspace, models=_models())
    stricter = Models(moderation=moderation.load({**RULES_ONLY, "repeated_text": {"min_count": 2}}))
    assert score_messages(workspace, models=stricter).scored == len(ROWS)
    got = _flags(workspace)
    assert got["1"] == ["repeated text (3 times by this author in the workspace)"]
    assert got["2"] == got["4"] == []  # one copy per author


def test_messages_without_an_author_are_not_copies_of_one_another(
    workspace: Any, insert: Any
) -> None:
    # an export that leaves the customers' names out: eight people thanking the brand in
    # the same words were flagged "repeated text (8 times in the workspace)"
    from socialproof.community.scoring import score_messages

    thanks = "@acmehelp thank you so much for the help!"
    rows = [msg(f"t{i}", "", f"2026-03-0{i + 1} 10:00", text=thanks) for i in range(4)]
    rows += [msg(f"n{i}", None, f"2026-03-0{i + 1} 11:00", text=thanks) for i in range(4)]  # type: ignore[arg-type]
    insert("messages", rows + ROWS)
    score_messages(workspace, models=_models())
    got = _flags(workspace)
    assert all(got[r["message_id"]] == [] for r in rows)
    assert got["1"] == ["repeated text (3 times by this author in the workspace)"]
