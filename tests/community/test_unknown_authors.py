"""Authors an export does not name ('Facebook User', '[deleted]', empty) are nobody in
particular: not one member, not one account's copies. Figures worked out by hand."""

from __future__ import annotations

from typing import Any

import pytest
from tests.community.test_threads import msg


def fb(mid: str, author: str, when: str, parent: str | None = None, **kw: Any) -> dict[str, Any]:
    return msg(mid, author, when, parent, platform="facebook", group_id="Acme page", **kw)


@pytest.mark.parametrize(
    ("author", "unknown"),
    [
        ("", True),
        (None, True),
        ("  ", True),
        ("Facebook User", True),
        ("facebook user ", True),
        ("Instagram User", True),
        ("LinkedIn Member", True),
        ("[deleted]", True),
        ("[removed]", True),
        ("@[deleted]", True),
        ("ann", False),
        ("Facebook Users Group", False),
        ("deleted_ann", False),
    ],
)
def test_placeholders_are_unknown(author: str | None, unknown: bool) -> None:
    from socialproof.community.authors import is_unknown_author

    assert is_unknown_author(author) is unknown


def test_placeholder_authors_are_not_one_member(workspace: Any, insert: Any) -> None:
    from socialproof.community.groups import engagement

    insert("messages", [
        fb("1", "Facebook User", "2026-03-02 10:00"),
        fb("2", "@acme", "2026-03-02 10:30", "1"),
        fb("3", "Facebook User", "2026-03-02 11:00"),
        fb("4", "Facebook User", "2026-03-02 11:30", "3"),
        fb("5", "ann", "2026-03-02 12:00"),
        fb("6", "ann", "2026-03-02 12:10", "5"),
        fb("7", "[deleted]", "2026-03-03 09:00"),
        fb("8", "", "2026-03-03 09:30"),
        fb("9", "bob", "2026-03-03 10:00", "8"),
    ])  # fmt: skip
    g = engagement(workspace, period="week")
    (week,) = g.rows.to_dict("records")
    # ann and bob are the only members anyone can tell apart
    assert (week["active_members"], week["new_members"]) == (2, 2)
    # every member message still counts as a message: 8 of the 9 are not the brand's
    assert (week["messages"], week["member_messages"]) == (9, 8)
    # messages per member: the named members' messages (ann 2, bob 1) over the 2 of them
    assert week["messages_per_member"] == pytest.approx(1.5)
    totals = g.by_group.set_index("group_id")
    assert totals.loc["Acme page", "members"] == 2
    assert totals.loc["Acme page", "messages_per_member"] == pytest.approx(1.5)
    assert any(n.startswith("5 member message(s) have no known author") for n in g.notes)


def test_no_note_when_every_author_is_named(workspace: Any, insert: Any) -> None:
    from socialproof.community.groups import engagement

    insert("messages", [fb("1", "ann", "2026-03-02 10:00"), fb("2", "bob", "2026-03-02 10:05")])
    g = engagement(workspace, period="week")
    assert not any("no known author" in n for n in g.notes)


def test_placeholder_authors_are_nobodys_copies() -> None:
    from socialproof.community import moderation

    model = moderation.load()
    text = "@acme when will my order arrive please?"
    for author in ("Facebook User", "[deleted]", "LinkedIn Member"):
        flags = model.flag([text] * 4, authors=[author] * 4)
        assert not any("repeated text" in r for f in flags for r in f.reasons), author
    # a named account repeating itself still is one
    flags = model.flag([text] * 4, authors=["bot"] * 4)
    assert all(any("repeated text (4 times by this author" in r for r in f.reasons) for f in flags)


def test_workspace_repeats_leave_placeholder_authors_out(workspace: Any, insert: Any) -> None:
    from socialproof.community import moderation
    from socialproof.community.scoring import _with_repeats
    from socialproof.community.threads import Scope, messages_expr
    from socialproof.workspace import engine

    text = "Thank you so much for the quick help today"
    insert("messages", [
        *[fb(f"u{i}", "Instagram User", f"2026-03-02 10:0{i}", text=text) for i in range(4)],
        *[fb(f"d{i}", "[deleted]", f"2026-03-02 11:0{i}", text=text) for i in range(4)],
        *[fb(f"b{i}", "bot", f"2026-03-02 12:0{i}", text=text) for i in range(4)],
    ])  # fmt: skip
    moderator = moderation.load({"models": {"spam": False, "toxic": False}})
    with workspace.ibis() as con:
        m = messages_expr(con, workspace, Scope(), threads=False)
        m = m.select("platform", "message_id", "author_id", "text")
        got = engine.execute(_with_repeats(m, moderator))
    repeats = dict(zip(got["message_id"], got["repeats"], strict=True))
    assert {k: v for k, v in repeats.items() if v} == {f"b{i}": 4 for i in range(4)}


def test_an_unnamed_openers_follow_up_keeps_the_thread_open(workspace: Any, insert: Any) -> None:
    from tests.community.test_threads import run

    insert("messages", [
        fb("a", "Facebook User", "2026-03-02 10:00"),
        fb("ra", "@acme", "2026-03-02 10:30", "a"),
        fb("a2", "Facebook User", "2026-03-02 11:00", "ra"),  # may be the opener: waiting
        fb("b", "Facebook User", "2026-03-02 12:00"),
        fb("rb", "@acme", "2026-03-02 12:30", "b"),
        fb("b2", "ann", "2026-03-02 13:00", "rb"),  # someone else: the opener is answered
    ])  # fmt: skip
    t = run(workspace).threads.set_index("thread_key")
    assert not bool(t.loc["a", "resolved"]) and bool(t.loc["b", "resolved"])
