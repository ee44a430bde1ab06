"""Engagement in groups, per group and period, on rows worked out by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.community.test_threads import make_ws, msg

from socialproof.errors import NoData, UsageError


def rd(mid: str, author: str, when: str, parent: str | None = None, **kw: Any) -> dict[str, Any]:
    return msg(mid, author, when, parent, platform="reddit", group_id="r/acme", **kw)


ROWS = [
    # week of Monday 2 March 2026
    rd("1", "ann", "2026-03-02 10:00"),
    rd("2", "bob", "2026-03-02 11:00", "1"),  # member to member
    rd("3", "@acme", "2026-03-02 12:00", "2"),
    rd("4", "cat", "2026-03-03 09:00"),
    rd("5", "@acme", "2026-03-03 10:00", "4"),
    # week of Monday 9 March 2026
    rd("6", "ann", "2026-03-09 10:00"),
    rd("7", "dan", "2026-03-09 11:00", "6"),  # member to member
    rd("8", "ann", "2026-03-09 12:00", "7"),
    rd("9", "eve", "2026-03-10 09:00"),
    rd("10", "eve", "2026-03-10 09:30", "9"),  # replying to herself is not member-to-member
    msg("11", "zed", "2026-03-04 08:00"),  # another platform, no group
]


def test_weekly_engagement_by_hand(workspace: Any, insert: Any) -> None:
    from socialproof.community.groups import engagement

    insert("messages", ROWS)
    g = engagement(workspace, period="week")
    rows = {(r["group_id"], str(r["period"])): r for r in g.rows.to_dict("records")}
    w1 = rows[("r/acme", "2026-03-02")]
    assert (w1["active_members"], w1["new_members"], w1["returning_members"]) == (3, 3, 0)
    assert (w1["messages"], w1["member_messages"], w1["brand_messages"]) == (5, 3, 2)
    assert w1["messages_per_member"] == pytest.approx(1.0)
    assert (w1["threads"], w1["replies"]) == (2, 3)
    assert w1["replies_per_thread"] == pytest.approx(1.5)
    assert w1["member_to_member_share"] == pytest.approx(0.5)
    w2 = rows[("r/acme", "2026-03-09")]
    assert (w2["active_members"], w2["new_members"], w2["returning_members"]) == (3, 2, 1)
    assert w2["messages_per_member"] == pytest.approx(5 / 3)
    assert w2["replies_per_thread"] == pytest.approx(1.5)
    assert w2["member_to_member_share"] == pytest.approx(0.5)
    none = rows[("(none)", "2026-03-02")]
    assert none["platform"] == "x" and none["active_members"] == 1
    totals = g.by_group.set_index("group_id")
    assert totals.loc["r/acme", "members"] == 5
    assert totals.loc["r/acme", "messages"] == 10


def test_monthly_periods_use_workspace_timezone(tmp_path: Path) -> None:
    from socialproof.community.groups import engagement

    ws = make_ws(tmp_path, timezone="Europe/Berlin")
    ws.insert_rows([
        rd("1", "ann", "2026-03-31 21:30"),  # 23:30 on 31 March in Berlin
        rd("2", "bob", "2026-03-31 22:30"),  # 00:30 on 1 April in Berlin
    ])  # fmt: skip
    g = engagement(ws, period="month")
    got = {str(r["period"]): r["active_members"] for r in g.rows.to_dict("records")}
    assert got == {"2026-03-01": 1, "2026-04-01": 1}


def test_threads_without_reply_links_count_two_members(workspace: Any, insert: Any) -> None:
    from socialproof.community.groups import engagement

    insert("messages", [
        rd("a", "ann", "2026-03-02 10:00", thread_id="T"),
        rd("b", "bob", "2026-03-02 10:05", thread_id="T"),
        rd("c", "cat", "2026-03-02 11:00", thread_id="U"),
    ])  # fmt: skip
    row = engagement(workspace, period="week").rows.iloc[0]
    assert row["threads"] == 2
    assert row["replies"] == 1
    assert row["member_to_member_share"] == pytest.approx(0.5)


def test_returning_members_across_the_date_filter(workspace: Any, insert: Any) -> None:
    """ann wrote before --since: in the filtered range she is returning, not new."""
    from socialproof.community.groups import engagement
    from socialproof.community.threads import parse_scope

    insert("messages", ROWS)
    g = engagement(workspace, parse_scope(since="2026-03-09", group="r/acme"), period="week")
    assert len(g.rows) == 1
    assert g.rows.iloc[0]["returning_members"] == 1


def test_unknown_period(workspace: Any, insert: Any) -> None:
    from socialproof.community.groups import engagement

    insert("messages", ROWS)
    with pytest.raises(UsageError, match="period"):
        engagement(workspace, period="fortnight")


def test_empty_workspace(workspace: Any) -> None:
    from socialproof.community.groups import engagement

    with pytest.raises(NoData):
        engagement(workspace)
