"""The copies of each member text by its author, counted in the engine
(``scoring._with_repeats``), against a count in plain Python with ``repeat_key``."""

from __future__ import annotations

from collections import Counter
from typing import Any

from tests.community.test_threads import msg

LONG = "Win a free phone, follow my page now"  # a key of 12+ characters
SHORT = "thanks!!"  # its key, "thanks", is too short to count


def _rows() -> list[dict[str, Any]]:
    rows = []
    texts = [
        ("spammer", LONG), ("spammer", "win a FREE phone -- follow my page now!!"),
        ("spammer", LONG.upper()), ("spammer", LONG), ("bob", LONG), ("bob", LONG),
        ("ann", SHORT), ("ann", SHORT), ("ann", "Thanks"), ("ann", "THANKS!"),
        ("cat", "My order #4471 never arrived, can you help?"),
        ("dan", "My order #4471 never arrived, can you help?"),
        ("eve", "   "), ("eve", "   "), ("eve", "   "), ("eve", None), ("eve", None),
        ("eve", None), ("eve", "Ça ne marche pas — encore!"), ("eve", "ça ne marche pas, encore"),
        ("eve", "ÇA NE MARCHE PAS ENCORE"), ("", LONG), ("", LONG), ("", LONG),
        ("@acme", LONG), ("@acme", LONG), ("@acme", LONG),  # the brand: not counted
    ]  # fmt: skip
    # a day apart each: copies within a day can be a customer waiting (test below)
    for i, (author, text) in enumerate(texts):
        rows.append(msg(str(i), author, f"2026-03-{i + 1:02d} 10:00", text=text))
    # the same author and texts on another platform: counted apart
    for i in range(3):
        rows.append(msg(f"r{i}", "bob", f"2026-04-0{i + 1} 10:00", text=LONG, platform="reddit"))
    return rows


def test_repeats_equal_a_plain_count(workspace: Any, insert: Any) -> None:
    from socialproof.community import moderation
    from socialproof.community.scoring import _with_repeats
    from socialproof.community.threads import Scope, messages_expr
    from socialproof.workspace import engine

    rows = _rows()
    insert("messages", rows)
    moderator = moderation.load({"models": {"spam": False, "toxic": False}})
    rules = moderator.rules
    with workspace.ibis() as con:
        m = messages_expr(con, workspace, Scope(), threads=False)
        m = m.filter(~m.brand).select(
            "platform", "message_id", "author_id", "text", "created_at", "thread_id"
        )
        got = engine.execute(_with_repeats(m, moderator))
    got_by_id = dict(zip(got["platform"] + ":" + got["message_id"], got["repeats"], strict=True))

    members = [r for r in rows if r["author_id"] != "@acme"]
    key = {id(r): moderation.repeat_key(r["text"] or "") for r in members}
    copies = Counter((r["platform"], r["author_id"], key[id(r)]) for r in members)
    want = {}
    for r in members:
        n = copies[(r["platform"], r["author_id"], key[id(r)])]
        if not (r["author_id"] or "").strip():
            n = 1  # an unknown author's text is nobody's copy
        long_enough = len(key[id(r)]) >= rules.repeat_min_chars
        want[f"{r['platform']}:{r['message_id']}"] = (
            n if long_enough and n >= rules.repeat_min_count else 0
        )
    assert got_by_id == want
    # the cases the data is there for
    assert want["x:0"] == 4 and want["x:4"] == 0 and want["reddit:r0"] == 3
    assert want["x:6"] == 0 and want["x:18"] == 3
    assert want["x:21"] == 0  # three copies, but no author: not one account repeating itself


PLEA = "@acme Please answer my DM!"


def _waiting_rows() -> list[dict[str, Any]]:
    """Each author sends one text three times; who sends what, when and where."""
    plan = [
        # a customer waiting: three pleas to the brand in one evening (no link, one account)
        ("ann", PLEA, ["2026-03-02 15:06", "2026-03-02 22:40", "2026-03-02 22:55"], None),
        # the same plea over three days: repeated text, as before
        ("bob", PLEA, ["2026-03-02 10:00", "2026-03-03 10:00", "2026-03-04 10:00"], None),
        # over three days but in one thread: still a customer waiting in it
        ("cat", PLEA, ["2026-03-02 10:00", "2026-03-03 10:00", "2026-03-04 10:00"], "t1"),
        # within an hour, but with a link, or to other accounts too: repeated text
        ("dan", "@acme see https://win-now.example now", [f"2026-03-02 10:0{i}" for i in range(3)], None),
        ("eve", "@acme @bob @cat look at this please", [f"2026-03-02 10:0{i}" for i in range(3)], None),
    ]  # fmt: skip
    rows = []
    for author, text, times, thread in plan:
        for i, when in enumerate(times):
            rows.append(msg(f"{author}{i}", author, when, text=text, thread_id=thread))
    return rows


def test_a_customer_repeating_a_plea_within_a_day_or_a_thread_is_waiting(
    workspace: Any, insert: Any
) -> None:
    from socialproof.community import moderation
    from socialproof.community.scoring import _with_repeats
    from socialproof.community.threads import Scope, messages_expr
    from socialproof.workspace import engine

    insert("messages", _waiting_rows())
    moderator = moderation.load({"models": {"spam": False, "toxic": False}})
    with workspace.ibis() as con:
        m = messages_expr(con, workspace, Scope(), threads=False)
        m = m.filter(~m.brand).select(
            "platform", "message_id", "author_id", "text", "created_at", "thread_id"
        )
        got = engine.execute(_with_repeats(m, moderator))
    repeats = {a: set(got[got["author_id"] == a]["repeats"]) for a in set(got["author_id"])}
    assert repeats == {"ann": {0}, "bob": {3}, "cat": {0}, "dan": {3}, "eve": {3}}
