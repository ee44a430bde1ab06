"""Response times on the Kaggle TWCS sample, checked against an answer worked out by hand.

The fixture (tests/data/community/threads/twcs_kaggle_sample.csv, CC BY-NC-SA 4.0, test
use only: see LICENSE.md there) has 93 tweets. Reading the rows and following
``in_response_to_tweet_id`` gives 27 threads, named here by their root tweet. For each,
"opened" is the first customer tweet, "first" the first brand tweet at or after it,
"last" the last brand tweet and "cust" the opener's last tweet (resolved when
last >= cust). All times are on 2017-10-11 (Wednesday) unless marked Oct 10 / Oct 12.

root    brand          opened          first           FRT (s)                  resolution (s)
119237  (none)         06:55:44        -               unanswered               -
119239  ChaseSupport   13:00:09        13:25:49        25:40 = 1540             1540
119246* VirginTrains   Oct10 15:09:00  15:16:08        7:08 = 428               last 15:33:22 > cust 15:26:44: 24:22 = 1462
119250  AppleSupport   05:33:17        13:38:29        8:05:12 = 29112          29112
119253  AppleSupport   07:21:34        13:40:27        6:18:53 = 22733          22733
119256  SpotifyCares   12:53:29        13:41:25        47:56 = 2876             last 14:41:35 > cust 14:22:05: 1:48:06 = 6486
119263  AppleSupport   06:29:07        13:30:39        7:01:32 = 25292          25292
119265  British_Airw.  10:42:43        13:36:31        2:53:48 = 10428          last 16:28:34 > cust 13:47:24: 5:45:51 = 20751
119268  AppleSupport   06:27:16        13:30:38        7:03:22 = 25402          25402
119272  AppleSupport   02:19:23        03:26:00        1:06:37 = 3997           last 13:30:12 > cust 06:49:50: 11:10:49 = 40249
119274  O2             12:50:07        13:13:14        23:07 = 1387             1387
119276  comcastcares   13:38:04        13:42:46        4:42 = 282               282
119278  sprintcare     13:24:06        13:29:53        5:47 = 347               347
119280  AppleSupport   07:13:34        13:35:01        6:21:27 = 22887          22887
119283  SpotifyCares   12:37:46        13:31:32        53:46 = 3226             last Oct12 12:09:13 > cust Oct12 12:04:21: 23:31:27 = 84687
119292  AppleSupport   08:06:34        13:44:29        5:37:55 = 20275          cust 15:44:02 after last brand: unresolved
119294  AppleSupport   07:03:47        13:30:00        6:26:13 = 23173          23173
119297  SouthwestAir   13:34:46        13:39:32        4:46 = 286               286 (cust 13:55:48 only thanks)
119299  AppleSupport   07:16:18        13:34:00        6:17:42 = 22662          22662
119301  AppleSupport   08:50:14        13:31:27        4:41:13 = 16873          16873
119306  Ask_Spectrum   13:27:49        13:42:00        14:11 = 851              cust 13:49:52 after: unresolved
119315  Tesco          12:14:41        12:17:02        2:21 = 141               cust 13:33:43 after last 13:33:07: unresolved
119319  Tesco          13:36:32        13:42:19        5:47 = 347               last 13:49:29 > cust 13:48:39: 12:57 = 777
119326  AppleSupport   Oct10 23:09:08  Oct11 00:19:34  1:10:26 = 4226           last 13:55:31 > cust 08:52:14: 14:46:23 = 53183
119328  HPSupport      02:04:50        13:36:36        11:31:46 = 41506         41506
119331  UPSHelp        13:47:14        13:56:00        8:46 = 526               526 (105859 replied to 105860 in between)
119332* Tesco          14:05:18        15:38:07        1:32:49 = 5569           5569

(* = partial: the root replies to a tweet that is not in the file: 119247 and 119334.)

No reply in the file is timestamped before its parent; no thread is brand-only.

26 answered of 27; all 26 first responses are under 24 h, so 26/27 within the SLA.
First response times sorted (26): 141 282 286 347 347 428 526 851 1387 1540 2876 3226
3997 | 4226 5569 10428 16873 20275 22662 22733 22887 23173 25292 25402 29112 41506.
Median (linear, position 12.5): (3997 + 4226) / 2 = 4111.5 s.
p90 (position 0.9 * 25 = 22.5): 25292 + 0.5 * (25402 - 25292) = 25347 s.
119297's opener wrote after the brand's last reply, but only "I am! Thank you for the
answer!!": a thanks settles the thread, so it is resolved at the brand's reply. The
other openers who wrote again said something more (119292's "Super help - problem
solved 😀 once again in love with Apple" goes beyond thanks): unresolved.
Resolution times of the 23 resolved threads sorted: 282 286 347 526 777 1387 1462 1540
5569 6486 16873 | 20751 | 22662 22733 22887 23173 25292 25402 29112 40249 41506 53183
84687.
Median (position 11): 20751 s.
p90 (position 0.9 * 22 = 19.8): 40249 + 0.8 * (41506 - 40249) = 41254.6 s.
AppleSupport answered 11 threads; its first response times sorted: 3997 4226 16873 20275
22662 22733 22887 23173 25292 25402 29112: median 22733 s.

Business hours (default 09:00-17:00 Monday-Friday, UTC):
119328: 02:04:50 -> 13:36:36 counts 09:00-13:36:36 = 4:36:36 = 16596 s.
119326: Oct10 23:09:08 -> Oct11 00:19:34 lies wholly outside working hours: 0 s.
119239: 13:00:09 -> 13:25:49 lies inside: 1540 s.
119283 resolution: Oct11 12:37:46 -> 17:00 = 4:22:14 = 15734, plus Oct12 09:00 -> 12:09:13
= 3:09:13 = 11353: 27087 s.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from typing import Any

import pytest

FIXTURE = "community/threads/twcs_kaggle_sample.csv"

FRT = {
    "119237": None, "119239": 1540, "119246": 428, "119250": 29112, "119253": 22733,
    "119256": 2876, "119263": 25292, "119265": 10428, "119268": 25402, "119272": 3997,
    "119274": 1387, "119276": 282, "119278": 347, "119280": 22887, "119283": 3226,
    "119292": 20275, "119294": 23173, "119297": 286, "119299": 22662, "119301": 16873,
    "119306": 851, "119315": 141, "119319": 347, "119326": 4226, "119328": 41506,
    "119331": 526, "119332": 5569,
}  # fmt: skip
RESOLUTION = {
    "119239": 1540, "119246": 1462, "119250": 29112, "119253": 22733, "119256": 6486,
    "119263": 25292, "119265": 20751, "119268": 25402, "119272": 40249, "119274": 1387,
    "119276": 282, "119278": 347, "119280": 22887, "119283": 84687, "119294": 23173,
    "119299": 22662, "119301": 16873, "119319": 777, "119326": 53183, "119328": 41506,
    "119331": 526, "119332": 5569, "119297": 286,
}  # fmt: skip
UNRESOLVED = {"119237", "119292", "119306", "119315"}


def load_twcs(path: Any) -> list[dict[str, Any]]:
    """Rows as an importer would store them: naive UTC, parent from in_response_to."""
    rows = []
    with open(path, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            ts = datetime.strptime(r["created_at"], "%a %b %d %H:%M:%S %z %Y")
            inbound = r["inbound"] == "True"
            rows.append(
                {
                    "platform": "x",
                    "message_id": r["tweet_id"],
                    "thread_id": None,
                    "parent_id": r["in_response_to_tweet_id"] or None,
                    "author_id": r["author_id"],
                    "inbound": inbound,
                    "is_brand": not inbound,
                    "created_at": ts.astimezone(UTC).replace(tzinfo=None),
                    "text": r["text"],
                    "group_id": "",
                    "channel": "mention",
                }
            )
    return rows


@pytest.fixture
def twcs(workspace: Any, insert: Any, data_dir: Any) -> Any:
    insert("messages", load_twcs(data_dir / FIXTURE))
    return workspace


def test_per_thread_first_response_and_resolution(twcs: Any) -> None:
    from socialproof.community.threads import response_times

    r = response_times(twcs)
    t = r.threads.set_index("thread_key")
    assert set(t.index) == set(FRT)
    for key, expected in FRT.items():
        got = t.loc[key, "first_response_s"]
        if expected is None:
            assert not t.loc[key, "answered"]
        else:
            assert got == pytest.approx(expected), key
    for key, expected in RESOLUTION.items():
        assert t.loc[key, "resolved"], key
        assert t.loc[key, "resolution_s"] == pytest.approx(expected), key
    for key in UNRESOLVED:
        assert not t.loc[key, "resolved"], key
    assert sorted(t.index[t["partial"]]) == ["119246", "119332"]
    assert int(t["clock_anomalies"].sum()) == 0


def test_summary_matches_hand_computation(twcs: Any) -> None:
    from socialproof.community.threads import response_times

    o = response_times(twcs).overall
    assert o["threads"] == 27
    assert o["answered"] == 26
    assert o["response_rate"] == pytest.approx(26 / 27)
    assert o["within_sla_rate"] == pytest.approx(26 / 27)
    assert o["median_first_response_h"] * 3600 == pytest.approx(4111.5)
    assert o["p90_first_response_h"] * 3600 == pytest.approx(25347)
    # Meta style: mean of the fastest 90 %, ceil(0.9 * 26) = 24 replies: the 26 sum to
    # 286,372 s (see the KPI test); less the two slowest (41,506 + 29,112) = 215,754 / 24
    assert o["fastest90_mean_first_response_h"] * 3600 == pytest.approx(215754 / 24)
    assert o["resolved"] == 23
    assert o["median_resolution_h"] * 3600 == pytest.approx(20751)
    assert o["p90_resolution_h"] * 3600 == pytest.approx(41254.6)


def test_by_agent_and_unanswered(twcs: Any) -> None:
    from socialproof.community.threads import response_times

    r = response_times(twcs)
    apple = next(row for row in r.by_agent if row["agent"] == "AppleSupport")
    assert apple["threads"] == 11
    assert apple["median_first_response_h"] * 3600 == pytest.approx(22733)
    assert list(r.unanswered()["thread_key"]) == ["119237"]


def test_business_hours_variant(twcs: Any) -> None:
    from socialproof.community.threads import response_times

    t = response_times(twcs).threads.set_index("thread_key")
    assert t.loc["119328", "first_response_bh_s"] == pytest.approx(16596)
    assert t.loc["119326", "first_response_bh_s"] == pytest.approx(0)
    assert t.loc["119239", "first_response_bh_s"] == pytest.approx(1540)
    assert t.loc["119283", "resolution_bh_s"] == pytest.approx(27087)


def test_tighter_sla(twcs: Any) -> None:
    """With a 1-hour SLA, 12 first responses (141 ... 3226 s) are within it: 12/27."""
    from socialproof.community.threads import response_times

    assert response_times(twcs, sla_hours=1).overall["within_sla_rate"] == pytest.approx(12 / 27)


def test_registered_kpis_agree_with_the_hand_computation(twcs: Any) -> None:
    """Means from the hand table: 26 first responses sum to 286,372 s; 23 resolutions to
    447,172 s (sums of the FRT and RESOLUTION tables above)."""
    from socialproof.community.threads import threads_view
    from socialproof.metrics import registry
    from socialproof.workspace import engine

    assert sum(v for v in FRT.values() if v is not None) == 286372
    assert sum(RESOLUTION.values()) == 447172
    names = ["threads", "response_rate", "response_rate_sla", "first_response_time",
             "resolution_rate", "resolution_time"]  # fmt: skip
    with twcs.ibis() as con:
        out = engine.execute(registry.compute(threads_view(twcs, con), names, table="threads"))
    row = out.iloc[0]
    assert row["threads"] == 27
    assert row["response_rate"] == pytest.approx(26 / 27)
    assert row["response_rate_sla"] == pytest.approx(26 / 27)
    assert row["first_response_time"] == pytest.approx(286372 / 26)
    assert row["resolution_rate"] == pytest.approx(23 / 27)
    assert row["resolution_time"] == pytest.approx(447172 / 23)


def test_platform_names_stored_before_are_named_in_a_note(workspace: Any, insert: Any) -> None:
    """Messages imported before names were read ('Twitter', 'x.com') stay platforms of
    their own in the workspace; the report says so and how to count each network once."""
    from socialproof.community.threads import response_times

    base = {"thread_id": None, "parent_id": None, "inbound": True, "is_brand": False}
    base |= {"created_at": datetime(2026, 3, 2, 10), "group_id": "", "channel": "mention"}
    insert(
        "messages",
        [
            base | {"platform": "Twitter", "message_id": "1", "author_id": "ann", "text": "hi"},
            base | {"platform": "x", "message_id": "2", "author_id": "bo", "text": "hey"},
        ],
    )
    notes = response_times(workspace).notes
    said = [n for n in notes if "platforms of their own" in n]
    assert len(said) == 1 and "'Twitter' (x)" in said[0] and "import the files again" in said[0]


def test_no_platform_note_when_the_names_are_socialproofs(twcs: Any) -> None:
    from socialproof.community.threads import response_times

    assert not any("platforms of their own" in n for n in response_times(twcs).notes)
