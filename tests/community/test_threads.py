"""Thread reconstruction and the edge cases of response times (each with a test)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from socialproof.errors import NoData, SettingsError, UsageError


def msg(
    mid: str, author: str, when: str, parent: str | None = None, **extra: Any
) -> dict[str, Any]:
    row = {
        "platform": extra.pop("platform", "x"),
        "message_id": mid,
        "thread_id": extra.pop("thread_id", None),
        "parent_id": parent,
        "author_id": author,
        "inbound": extra.pop("inbound", None),
        "is_brand": extra.pop("is_brand", None),
        "created_at": datetime.fromisoformat(when),
        "text": extra.pop("text", f"message {mid}"),
        "group_id": extra.pop("group_id", ""),
        "channel": extra.pop("channel", "reply"),
    }
    row.update(extra)
    return row


def run(ws: Any, **kw: Any) -> Any:
    from socialproof.community.threads import response_times

    return response_times(ws, **kw)


def make_ws(tmp_path: Path, **settings: Any) -> Any:
    import pyarrow as pa

    from socialproof.workspace import Workspace, engine
    from socialproof.workspace.schema import CANONICAL
    from socialproof.workspace.settings import settings_from_dict

    base = {"brand": {"handles": ["@acme"]}}
    base.update(settings)
    ws = Workspace.init(tmp_path / "tzws", settings=settings_from_dict(base))

    def insert(rows: list[dict[str, Any]]) -> None:
        with ws.transaction() as con:
            engine.upsert(con, CANONICAL["messages"], pa.Table.from_pylist(rows))

    ws.insert_rows = insert  # type: ignore[attr-defined]
    return ws


def test_brand_recognised_by_handle_case_and_at_sign(workspace: Any, insert: Any) -> None:
    insert("messages", [
        msg("1", "ann", "2026-03-02 10:00"),
        msg("2", "ACMEHELP", "2026-03-02 10:30", "1"),  # handle 'AcmeHelp', no @, other case
    ])  # fmt: skip
    t = run(workspace).threads
    assert t.loc[0, "first_response_s"] == 1800
    assert t.loc[0, "agent"] == "ACMEHELP"


def test_reply_to_message_outside_export_is_partial_thread(workspace: Any, insert: Any) -> None:
    insert("messages", [
        msg("10", "ann", "2026-03-02 10:00", parent="not-in-export"),
        msg("11", "@acme", "2026-03-02 12:00", parent="10"),
    ])  # fmt: skip
    r = run(workspace)
    assert r.threads.loc[0, "thread_key"] == "10"
    assert bool(r.threads.loc[0, "partial"])
    assert r.threads.loc[0, "first_response_s"] == 7200
    assert any("not in the workspace" in n for n in r.notes)


def test_several_replies_first_counts_for_first_response(workspace: Any, insert: Any) -> None:
    insert("messages", [
        msg("1", "ann", "2026-03-02 10:00"),
        msg("2", "@acme", "2026-03-02 10:20", "1"),
        msg("3", "AcmeHelp", "2026-03-02 10:05", "1"),  # second agent, earlier
        msg("4", "@acme", "2026-03-02 11:00", "1"),
    ])  # fmt: skip
    t = run(workspace).threads
    assert t.loc[0, "first_response_s"] == 300
    assert t.loc[0, "agent"] == "AcmeHelp"
    assert t.loc[0, "resolution_s"] == 3600  # last brand reply, customer silent since
    assert t.loc[0, "brand_messages"] == 3


def test_brand_to_brand_threads_are_left_out_and_counted(workspace: Any, insert: Any) -> None:
    insert("messages", [
        msg("1", "@acme", "2026-03-02 09:00"),  # a brand post ...
        msg("2", "AcmeHelp", "2026-03-02 09:05", "1"),  # ... answered by the brand
        msg("5", "bob", "2026-03-02 10:00"),
        msg("6", "@acme", "2026-03-02 10:10", "5"),
    ])  # fmt: skip
    r = run(workspace)
    assert list(r.threads["thread_key"]) == ["5"]
    assert any("only brand messages" in n for n in r.notes)


def test_customer_comment_under_brand_post_measured_from_the_comment(
    workspace: Any, insert: Any
) -> None:
    insert("messages", [
        msg("1", "@acme", "2026-03-02 09:00", channel="post"),
        msg("2", "cat", "2026-03-02 11:00", "1", channel="comment"),
        msg("3", "@acme", "2026-03-02 11:30", "2"),
    ])  # fmt: skip
    t = run(workspace).threads
    assert t.loc[0, "first_response_s"] == 1800  # not from the brand's own post at 09:00
    assert t.loc[0, "channel"] == "comment"


def test_deleted_parent_present_keeps_the_thread(workspace: Any, insert: Any) -> None:
    insert("messages", [
        msg("1", "[deleted]", "2026-03-02 10:00", text="[deleted]"),
        msg("2", "@acme", "2026-03-02 10:45", "1"),
    ])  # fmt: skip
    t = run(workspace).threads
    assert t.loc[0, "first_response_s"] == 2700
    assert not bool(t.loc[0, "partial"])


def test_deleted_parent_missing_starts_own_thread(workspace: Any, insert: Any) -> None:
    insert("messages", [
        msg("2", "dan", "2026-03-02 10:00", parent="1"),  # 1 was deleted before the export
        msg("3", "@acme", "2026-03-02 10:10", "2"),
        msg("4", "eve", "2026-03-02 10:20", "3"),
    ])  # fmt: skip
    t = run(workspace).threads
    assert list(t["thread_key"]) == ["2"]
    assert t.loc[0, "messages"] == 3
    assert t.loc[0, "opener"] == "dan"


def test_reply_preceding_parent_is_flagged_and_answers_at_its_parents_time(
    workspace: Any, insert: Any
) -> None:
    insert("messages", [
        msg("1", "ann", "2026-03-02 10:00"),
        msg("2", "@acme", "2026-03-02 09:00", "1"),  # claims to answer 1, an hour earlier
    ])  # fmt: skip
    r = run(workspace)
    t = r.threads
    assert t.loc[0, "clock_anomalies"] == 1
    # the brand did answer: not a thread left waiting, and no negative time
    assert bool(t.loc[0, "answered"]) and bool(t.loc[0, "resolved"])
    assert t.loc[0, "first_response_s"] == 0
    assert t.loc[0, "resolution_s"] == 0
    assert t.loc[0, "agent"] == "@acme"
    assert r.overall["unanswered"] == 0 and r.overall["within_sla_rate"] == 1.0
    assert r.unanswered().empty
    assert any("before the message they reply to" in n for n in r.notes)
    assert list(r.anomalies["message_id"]) == ["2"]


def test_skewed_reply_to_a_follow_up_counts_from_the_opening(workspace: Any, insert: Any) -> None:
    insert("messages", [
        msg("1", "ann", "2026-03-02 10:00"),
        msg("2", "ann", "2026-03-02 10:20", "1"),  # ann adds a detail
        msg("3", "@acme", "2026-03-02 10:19", "2"),  # its answer, stamped a minute early
    ])  # fmt: skip
    t = run(workspace).threads
    # taken as sent at 10:20: 20 min after the opening, and ann did not write after it
    assert t.loc[0, "first_response_s"] == 1200
    assert bool(t.loc[0, "resolved"]) and t.loc[0, "resolution_s"] == 1200


def test_brand_reply_to_itself_stamped_early_answers_nobody(workspace: Any, insert: Any) -> None:
    insert("messages", [
        msg("1", "@acme", "2026-03-02 09:00", text="we are down"),
        msg("2", "ann", "2026-03-02 10:00", "1"),
        msg("3", "@acme", "2026-03-02 08:59", "1", text="update"),  # brand to brand, early
    ])  # fmt: skip
    r = run(workspace)
    assert not bool(r.threads.loc[0, "answered"])  # 3 answers the brand's own post
    assert r.overall["unanswered"] == 1


def test_notes_count_only_the_threads_in_the_date_range(workspace: Any, insert: Any) -> None:
    from socialproof.community.threads import Scope

    insert("messages", [
        msg("1", "@acme", "2026-01-05 10:00", text="January post"),  # brand only
        msg("2", "@acme", "2026-01-06 10:00", text="another"),  # brand only
        msg("3", "ann", "2026-01-07 10:00"),
        msg("4", "@acme", "2026-01-07 09:00", "3"),  # clock anomaly in January
        msg("5", "bob", "2026-03-02 10:00"),
        msg("6", "@acme", "2026-03-02 11:00", "5"),
        msg("7", "@acme", "2026-03-03 10:00", text="March post"),  # brand only
    ])  # fmt: skip
    march = run(workspace, scope=Scope(since=datetime(2026, 3, 1).date()))
    assert march.overall["threads"] == 1
    assert any(n.startswith("1 thread(s) have only brand messages") for n in march.notes)
    assert not any("timestamped before" in n for n in march.notes)
    assert march.anomalies is not None and march.anomalies.empty
    january = run(workspace, scope=Scope(until=datetime(2026, 1, 31).date()))
    assert january.overall["threads"] == 1
    assert any(n.startswith("2 thread(s) have only brand messages") for n in january.notes)
    assert any(n.startswith("1 message(s) are timestamped before") for n in january.notes)
    everything = run(workspace)
    assert any(n.startswith("3 thread(s) have only brand") for n in everything.notes)


def test_notes_count_only_the_threads_of_the_group(workspace: Any, insert: Any) -> None:
    from socialproof.community.threads import Scope

    insert("messages", [
        msg("1", "@acme", "2026-03-02 09:00", group_id="g1"),  # brand only, g1
        msg("2", "ann", "2026-03-02 10:00", group_id="g2"),
        msg("3", "@acme", "2026-03-02 09:30", "2", group_id="g2"),  # anomaly, g2
    ])  # fmt: skip
    g1 = run(workspace, scope=Scope(group="g1"))
    assert g1.overall["threads"] == 0
    assert any(n.startswith("1 thread(s) have only brand") for n in g1.notes)
    assert not any("timestamped before" in n for n in g1.notes)
    g2 = run(workspace, scope=Scope(group="g2"))
    assert not any("only brand messages" in n for n in g2.notes)
    assert list(g2.anomalies["message_id"]) == ["3"]


def test_anomalies_are_counted_past_the_thousand_listed(workspace: Any, insert: Any) -> None:
    rows = []
    for i in range(1003):
        rows.append(msg(f"q{i}", f"cust{i}", "2026-03-02 10:00"))
        rows.append(msg(f"a{i}", "@acme", "2026-03-02 09:59", f"q{i}"))
    insert("messages", rows)
    r = run(workspace)
    assert any(n.startswith("1,003 message(s) are timestamped before") for n in r.notes)
    assert r.anomalies is not None and len(r.anomalies) == 1000


def test_reply_preceding_parent_then_a_real_reply(workspace: Any, insert: Any) -> None:
    insert("messages", [
        msg("1", "ann", "2026-03-02 10:00"),
        msg("2", "@acme", "2026-03-02 09:59", "1"),
        msg("3", "@acme", "2026-03-02 10:30", "1"),
    ])  # fmt: skip
    t = run(workspace).threads
    assert t.loc[0, "first_response_s"] == 0  # 2, taken as sent at 10:00, came first
    assert t.loc[0, "resolution_s"] == 1800  # 3 is the last reply


def test_thread_ids_without_reply_links(workspace: Any, insert: Any) -> None:
    insert("messages", [
        msg("a", "ann", "2026-03-02 10:00", thread_id="T1"),
        msg("b", "@acme", "2026-03-02 10:15", thread_id="T1"),
        msg("c", "bob", "2026-03-02 11:00", thread_id="T2"),
    ])  # fmt: skip
    t = run(workspace).threads.set_index("thread_key")
    assert t.loc["T1", "first_response_s"] == 900
    assert not bool(t.loc["T2", "answered"])


def test_long_reply_chain_resolves_to_one_root(workspace: Any, insert: Any) -> None:
    rows = [msg("0", "ann", "2026-03-02 00:00")]
    for i in range(1, 300):
        who = "@acme" if i % 2 else "ann"
        rows.append(msg(str(i), who, f"2026-03-02 {i // 60:02d}:{i % 60:02d}", str(i - 1)))
    insert("messages", rows)
    t = run(workspace).threads
    assert list(t["thread_key"]) == ["0"]
    assert t.loc[0, "messages"] == 300
    assert t.loc[0, "first_response_s"] == 60


def test_reply_cycle_does_not_hang(workspace: Any, insert: Any) -> None:
    insert("messages", [
        msg("1", "ann", "2026-03-02 10:00", parent="2"),
        msg("2", "@acme", "2026-03-02 10:05", parent="1"),
    ])  # fmt: skip
    r = run(workspace)
    assert len(r.threads) >= 1


def test_brand_handle_never_seen_is_reported(workspace: Any, insert: Any) -> None:
    insert(
        "messages",
        [msg("1", "ann", "2026-03-02 10:00"), msg("2", "@acme", "2026-03-02 10:01", "1")],
    )
    notes = run(workspace).notes
    assert any("@acmehelp" in n and "never seen" in n for n in notes)


def test_no_brand_messages_at_all_is_explained(workspace: Any, insert: Any) -> None:
    insert("messages", [msg("1", "ann", "2026-03-02 10:00")])
    r = run(workspace)
    assert r.overall["response_rate"] == 0
    assert any("No brand replies at all" in n for n in r.notes)


def test_empty_workspace_says_what_to_import(workspace: Any) -> None:
    with pytest.raises(NoData, match="no messages") as err:
        run(workspace)
    assert "socialproof import" in str(err.value)


def test_timezone_business_hours_in_local_time(tmp_path: Path) -> None:
    """New York, 09:00-17:00: 12:30 UTC in March (EST, -5) is 07:30 local, before opening."""
    ws = make_ws(tmp_path, timezone="America/New_York")
    ws.insert_rows([
        msg("1", "ann", "2026-03-02 12:30"),  # Monday 07:30 EST
        msg("2", "@acme", "2026-03-02 15:00", "1"),  # 10:00 EST: 1 working hour later
        msg("3", "bob", "2026-03-06 20:00"),  # Friday 15:00 EST (DST starts Sunday 8 March)
        msg("4", "@acme", "2026-03-09 14:00", "3"),  # Monday 10:00 EDT (-4)
    ])  # fmt: skip
    t = run(ws).threads.set_index("thread_key")
    assert t.loc["1", "first_response_s"] == 2.5 * 3600
    assert t.loc["1", "first_response_bh_s"] == 3600
    # Friday 15:00-17:00 (2 h) + Monday 09:00-10:00 (1 h); the weekend and DST do not count
    assert t.loc["3", "first_response_bh_s"] == 3 * 3600
    assert t.loc["3", "first_response_s"] == (2 * 24 + 18) * 3600


def test_since_until_use_local_dates(tmp_path: Path) -> None:
    ws = make_ws(tmp_path, timezone="Europe/Berlin")
    ws.insert_rows([
        msg("1", "ann", "2026-03-31 22:30"),  # 1 April 00:30 in Berlin (CEST, +2)
        msg("2", "bob", "2026-03-31 21:30"),  # 31 March 23:30 in Berlin
    ])  # fmt: skip
    from socialproof.community.threads import parse_scope

    t = run(ws, scope=parse_scope(since="2026-04-01")).threads
    assert list(t["thread_key"]) == ["1"]
    t = run(ws, scope=parse_scope(until="2026-03-31")).threads
    assert list(t["thread_key"]) == ["2"]


def test_platform_and_group_filters(workspace: Any, insert: Any) -> None:
    from socialproof.community.threads import parse_scope

    insert("messages", [
        msg("1", "ann", "2026-03-02 10:00", platform="reddit", group_id="r/acme"),
        msg("2", "bob", "2026-03-02 10:00", platform="x"),
    ])  # fmt: skip
    assert list(run(workspace, scope=parse_scope(platform="Reddit")).threads["thread_key"]) == ["1"]
    assert list(run(workspace, scope=parse_scope(group="r/acme")).threads["thread_key"]) == ["1"]


@pytest.mark.parametrize(
    ("since", "until"), [("2026-13-01", None), ("yesterday", None), ("2026-03-05", "2026-03-01")]
)
def test_bad_dates_are_usage_errors(since: str, until: str | None) -> None:
    from socialproof.community.threads import parse_scope

    with pytest.raises(UsageError):
        parse_scope(since=since, until=until)


def test_bad_sla_is_usage_error(workspace: Any, insert: Any) -> None:
    insert("messages", [msg("1", "ann", "2026-03-02 10:00")])
    with pytest.raises(UsageError):
        run(workspace, sla_hours=0)


def test_business_hours_that_end_before_they_start(tmp_path: Path) -> None:
    ws = make_ws(tmp_path, business_hours={"start": "18:00", "end": "09:00"})
    ws.insert_rows([msg("1", "ann", "2026-03-02 10:00")])
    with pytest.raises(SettingsError, match="not after"):
        run(ws)


def test_split_by_platform_and_channel(workspace: Any, insert: Any) -> None:
    insert("messages", [
        msg("1", "ann", "2026-03-02 10:00", channel="dm"),
        msg("2", "@acme", "2026-03-02 10:10", "1", channel="dm"),
        msg("3", "bob", "2026-03-02 10:00", channel="comment", platform="instagram"),
    ])  # fmt: skip
    r = run(workspace)
    by_channel = {row["channel"]: row for row in r.by_channel}
    assert by_channel["dm"]["response_rate"] == 1.0
    assert by_channel["comment"]["response_rate"] == 0.0
    assert {row["platform"] for row in r.by_platform} == {"x", "instagram"}


def test_reply_from_a_later_export_joins_its_thread(workspace: Any, insert: Any) -> None:
    """The importer names threads per file; a reply imported later follows its link."""
    insert("messages", [msg("1", "ann", "2026-03-02 10:00", thread_id="1")])
    insert("messages", [msg("2", "@acme", "2026-03-02 10:40", "1", thread_id="2")])
    t = run(workspace).threads
    assert list(t["thread_key"]) == ["1"]
    assert t.loc[0, "first_response_s"] == 2400


def test_reddit_comments_on_a_post_are_one_thread_not_partial(workspace: Any, insert: Any) -> None:
    rows = [
        msg("c1", "ann", "2026-03-02 10:00", "p1", thread_id="p1", post_id="p1", platform="reddit"),
        msg("c2", "bob", "2026-03-02 10:05", "p1", thread_id="p1", post_id="p1", platform="reddit"),
        msg(
            "c3", "@acme", "2026-03-02 11:00", "c2", thread_id="p1", post_id="p1", platform="reddit"
        ),
    ]
    insert("messages", rows)
    r = run(workspace)
    assert list(r.threads["thread_key"]) == ["p1"]
    assert r.threads.loc[0, "first_response_s"] == 3600
    assert not bool(r.threads.loc[0, "partial"])


def test_sla_rate_in_business_hours(tmp_path: Path) -> None:
    """Friday 15:00 -> Monday 10:00 takes 66 h but 3 working hours: a miss on the clock,
    within a 24-hour SLA counted in business hours."""
    ws = make_ws(tmp_path, timezone="America/New_York")
    ws.insert_rows([
        msg("1", "ann", "2026-03-02 12:30"),
        msg("2", "@acme", "2026-03-02 15:00", "1"),
        msg("3", "bob", "2026-03-06 20:00"),
        msg("4", "@acme", "2026-03-09 14:00", "3"),
    ])  # fmt: skip
    o = run(ws).overall
    assert o["within_sla_rate"] == 0.5
    assert o["within_sla_bh_rate"] == 1.0


def test_response_times_per_week_in_local_time(tmp_path: Path) -> None:
    """Sunday 23:30 UTC is Monday 01:30 in Berlin (CET+1 in March before the 29th):
    that thread belongs to the week of Monday 9 March there."""
    ws = make_ws(tmp_path, timezone="Europe/Berlin")
    ws.insert_rows([
        msg("1", "ann", "2026-03-02 09:00"),
        msg("2", "@acme", "2026-03-02 10:00", "1"),  # 1 h
        msg("3", "bob", "2026-03-03 09:00"),
        msg("4", "@acme", "2026-03-03 12:00", "3"),  # 3 h
        msg("5", "cat", "2026-03-08 23:30"),  # Monday 9 March 00:30 CET
        msg("6", "@acme", "2026-03-09 00:00", "5"),  # 0.5 h
    ])  # fmt: skip
    weeks = run(ws).by_period("week", "Europe/Berlin")
    got = {str(p): (n, m) for p, n, m in zip(weeks["period"], weeks["threads"],
                                              weeks["median_first_response_h"], strict=True)}  # fmt: skip
    assert got == {"2026-03-02": (2, 2.0), "2026-03-09": (1, 0.5)}


def test_unanswered_threads_opened_in_the_same_second_list_in_one_order() -> None:
    """Whatever order the threads come in, ties on the opening time list by platform and
    thread (the engine returns rows in any order)."""
    import pandas as pd

    from socialproof.community.threads import UNANSWERED_COLUMNS, ResponseTimes

    when = datetime(2026, 3, 2, 10, 0)
    keys = [("x", "t9"), ("ig", "t2"), ("x", "t1"), ("ig", "t1")]
    frame = pd.DataFrame(
        [
            {c: None for c in UNANSWERED_COLUMNS}
            | {"platform": p, "thread_key": k, "opened_at": when, "answered": False}
            for p, k in keys
        ]
        + [
            {c: None for c in UNANSWERED_COLUMNS}
            | {"platform": "x", "thread_key": "t0", "opened_at": when, "answered": True}
        ]
    )
    orders = []
    for rows in (frame, frame.iloc[::-1]):
        listed = ResponseTimes(rows, 24.0, {}, [], [], []).unanswered()
        orders.append(list(zip(listed["platform"], listed["thread_key"], strict=True)))
    assert orders[0] == orders[1] == [("ig", "t1"), ("ig", "t2"), ("x", "t1"), ("x", "t9")]


def test_a_group_without_messages_is_an_error_naming_the_groups(
    workspace: Any, insert: Any
) -> None:
    from socialproof.community.groups import engagement
    from socialproof.community.queue import moderation_queue
    from socialproof.community.threads import Scope

    insert("messages", [
        msg("1", "ann", "2026-03-02 10:00", platform="reddit", group_id="r/acme"),
        msg("2", "bob", "2026-03-02 10:00", platform="reddit", group_id="r/acme"),
        msg("3", "cy", "2026-03-02 10:00", platform="reddit", group_id="r/acmehelp"),
        msg("4", "dee", "2026-03-02 10:00", platform="x"),
    ])  # fmt: skip
    for analysis in (run, engagement, moderation_queue):
        with pytest.raises(NoData) as err:  # a typo read as a group with nothing to say
            analysis(workspace, scope=Scope(group="r/acme_help"))
        assert err.value.message == "The workspace has no messages in group 'r/acme_help'."
        assert err.value.hint == "Groups with the most messages: r/acme, r/acmehelp."
    with pytest.raises(NoData) as err:
        run(workspace, scope=Scope(platform="x", group="r/acme"))
    assert "in group 'r/acme' on platform 'x'" in err.value.message
    assert err.value.hint == "Its messages name no group: leave out --group."
    assert run(workspace, scope=Scope(group="r/acmehelp")).overall["threads"] == 1
