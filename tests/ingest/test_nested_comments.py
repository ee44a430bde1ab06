"""Page comments with their replies nested in each comment (Graph API JSON)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from socialproof.ingest.base import ReadContext
from socialproof.ingest.nested_comments import NestedCommentsFormat
from socialproof.ingest.registry import registry
from socialproof.ingest.sources import open_source

DATA = Path(__file__).parents[1] / "data" / "nested_comments"


def _rows(path: Path, ctx: ReadContext | None = None) -> dict[str, dict[str, Any]]:
    result = NestedCommentsFormat().read(open_source(path), ctx or ReadContext())
    assert not result.rejects
    return {r["message_id"]: r for r in result.tables["messages"].to_pylist()}


def test_facebook_replies_are_messages_in_their_comments_thread() -> None:
    src = open_source(DATA / "facebook_comments.json")
    best, _ = registry().detect(src)[0]
    assert best.name == "nested_comments"
    rows = _rows(DATA / "facebook_comments.json")
    assert sorted(rows) == ["111_201", "111_202", "111_203", "111_204", "111_205", "111_206"]
    assert {k: r["thread_id"] for k, r in rows.items()} == {
        "111_201": "111_201", "111_202": "111_201", "111_203": "111_201",
        "111_204": "111_204", "111_205": "111_205", "111_206": "111_205",
    }  # fmt: skip
    assert rows["111_202"]["parent_id"] == "111_201" and rows["111_201"]["parent_id"] is None
    assert rows["111_202"]["author_id"] == "Acme" and rows["111_201"]["author_id"] == "Ann Lee"
    assert rows["111_205"]["author_id"] is None  # the export left the author out
    assert rows["111_202"]["channel"] == "reply" and rows["111_201"]["channel"] == "comment"
    assert {r["platform"] for r in rows.values()} == {"facebook"}
    assert str(rows["111_206"]["created_at"]) == "2026-03-02 15:00:00"


def test_instagram_replies_and_a_flat_export_naming_parents(tmp_path: Path) -> None:
    rows = _rows(DATA / "instagram_comments.json")
    assert rows["17890002"]["parent_id"] == "17890001"
    assert rows["17890002"]["thread_id"] == "17890001"
    assert rows["17890002"]["author_id"] == "acme_official"
    assert {r["platform"] for r in rows.values()} == {"instagram"}
    flat = tmp_path / "flat.json"
    flat.write_text(
        json.dumps(
            [
                {"id": "1", "from": {"name": "A"}, "message": "hi", "created_time": "2026-03-02"},
                {
                    "id": "2",
                    "from": {"name": "B"},
                    "message": "yo",
                    "parent": {"id": "1"},
                    "created_time": "2026-03-03",
                },
            ]  # fmt: skip
        ),
        encoding="utf-8",
    )
    got = _rows(flat, ReadContext(platform="facebook"))
    assert got["2"]["parent_id"] == "1" and got["2"]["thread_id"] == "1"


def test_a_reply_without_a_date_is_rejected_not_lost_silently(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(
        json.dumps(
            {
                "data": [
                    {
                        "id": "1",
                        "from": {"name": "A"},
                        "message": "hi",
                        "created_time": "2026-03-02T09:00:00+0000",
                        "comments": {"data": [{"id": "2", "message": "no date"}]},
                    }
                ]
            }  # fmt: skip
        ),
        encoding="utf-8",
    )
    result = NestedCommentsFormat().read(open_source(path), ReadContext())
    assert result.tables["messages"].num_rows == 1 and len(result.rejects) == 1


def test_the_brands_nested_replies_answer_the_threads(tmp_path: Path, cli: Any) -> None:
    # read as a plain table, the replies were one cell of JSON text: no answer was seen
    from socialproof.community.threads import response_times
    from socialproof.workspace.core import Workspace

    ws = tmp_path / "ws"
    assert cli("init", str(ws)).exit_code == 0
    toml = ws / "socialproof.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace("handles = []", 'handles = ["Acme"]', 1),
        encoding="utf-8",
    )
    res = cli("import", str(DATA / "facebook_comments.json"), "--workspace", str(ws))
    assert res.exit_code == 0, res.stderr
    assert "3 replies nested in the comments" in res.stderr
    times = response_times(Workspace.open(ws))
    assert times.overall["threads"] == 3 and times.overall["answered"] == 2
    first = dict(zip(times.threads["thread_key"], times.threads["first_response_s"], strict=True))
    assert first["111_201"] == 3600 and first["111_205"] == 3 * 3600


def test_a_discord_channel_export_links_replies_by_reference() -> None:
    # read as a table, its author was a cell of JSON text and no reply was linked
    src = open_source(DATA / "discord_channel.json")
    assert registry().detect(src)[0][0].name == "nested_comments"
    result = NestedCommentsFormat().read(src, ReadContext())
    rows = {r["message_id"]: r for r in result.tables["messages"].to_pylist()}
    assert {k: (r["author_id"], r["parent_id"], r["thread_id"]) for k, r in rows.items()} == {
        "900001": ("mia", None, "900001"),
        "900002": ("AcmeMod", "900001", "900001"),
        "900003": ("raj", None, "900003"),
    }
    assert {r["platform"] for r in rows.values()} == {"discord"}
    assert rows["900001"]["channel"] == "message" and rows["900002"]["channel"] == "reply"
    assert not any("nested" in n for n in result.notes)  # referenced, not nested


def _yt_comment(cid: str, author: str, text: str, at: str, parent: str | None = None) -> Any:
    snippet = {"videoId": "vid9", "authorDisplayName": author, "textOriginal": text}
    snippet |= {"textDisplay": text, "publishedAt": at, "authorChannelId": {"value": "UC" + cid}}
    if parent:
        snippet["parentId"] = parent
    return {"kind": "youtube#comment", "id": cid, "snippet": snippet}


def test_youtube_comment_threads_bring_their_replies(tmp_path: Path, cli: Any) -> None:
    """YouTube comment threads (Data API JSON: the comment inside 'snippet', replies in
    'replies') were refused, and could not be mapped: the channel's answers were lost."""
    from socialproof.community.threads import response_times
    from socialproof.workspace.core import Workspace

    items = [
        {
            "kind": "youtube#commentThread",
            "id": "Ug1",
            "snippet": {
                "videoId": "vid9",
                "topLevelComment": _yt_comment(
                    "Ug1", "@pia", "Where can I buy it?", "2026-03-02T10:00:00Z"
                ),
                "totalReplyCount": 2,
            },
            "replies": {
                "comments": [
                    _yt_comment("Ug1.a", "@AcmeTV", "Link below!", "2026-03-02T12:30:00Z", "Ug1"),
                    _yt_comment("Ug1.b", "@pia", "found it, thanks", "2026-03-02T13:00:00Z", "Ug1"),
                ]
            },
        },
        {
            "kind": "youtube#commentThread",
            "id": "Ug2",
            "snippet": {
                "videoId": "vid9",
                "topLevelComment": _yt_comment(
                    "Ug2", "@rui", "Sound is off at 2:10", "2026-03-02T11:00:00Z"
                ),
                "totalReplyCount": 0,
            },
        },
    ]
    path = tmp_path / "comments.json"
    path.write_text(json.dumps({"kind": "youtube#commentThreadListResponse", "items": items}))
    best, _ = registry().detect(open_source(path))[0]
    assert best.name == "nested_comments"
    rows = _rows(path)
    assert sorted(rows) == ["Ug1", "Ug1.a", "Ug1.b", "Ug2"]
    assert {k: (r["parent_id"], r["thread_id"]) for k, r in rows.items()} == {
        "Ug1": (None, "Ug1"), "Ug1.a": ("Ug1", "Ug1"), "Ug1.b": ("Ug1", "Ug1"), "Ug2": (None, "Ug2"),
    }  # fmt: skip
    assert {r["platform"] for r in rows.values()} == {"youtube"}
    assert {r["post_id"] for r in rows.values()} == {"vid9"}
    assert rows["Ug1.a"]["author_id"] == "@AcmeTV" and rows["Ug1"]["text"] == "Where can I buy it?"
    ws = tmp_path / "ws"
    assert cli("init", str(ws)).exit_code == 0
    toml = ws / "socialproof.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace("handles = []", 'handles = ["AcmeTV"]', 1),
        encoding="utf-8",
    )
    res = cli("import", str(path), "--workspace", str(ws))
    assert res.exit_code == 0, res.stderr
    times = response_times(Workspace.open(ws))
    assert (times.overall["threads"], times.overall["answered"]) == (2, 1)
    first = dict(zip(times.threads["thread_key"], times.threads["first_response_s"], strict=True))
    assert first["Ug1"] == 2.5 * 3600


def test_a_slack_channel_day_threads_its_replies(tmp_path: Path, cli: Any) -> None:
    """A Slack export's day file was refused; mapped, a join event counted as a member's
    thread, ids and times lost digits as floats, and names were user ids."""
    from socialproof.community.threads import response_times
    from socialproof.workspace.core import Workspace

    day = [
        {"type": "message", "user": "U1", "text": "how do I export my data?",
         "ts": "1772445600.000100", "thread_ts": "1772445600.000100", "reply_count": 1,
         "user_profile": {"real_name": "Ann Lee", "display_name": "ann"}},
        {"type": "message", "user": "U9", "text": "Settings > Export", "ts": "1772449200.000100",
         "thread_ts": "1772445600.000100", "parent_user_id": "U1",
         "user_profile": {"real_name": "Acme Team", "display_name": ""}},
        {"type": "message", "subtype": "channel_join", "user": "U2",
         "text": "<@U2> has joined the channel", "ts": "1772450000.000300"},
        {"type": "message", "user": "U2", "text": "hello all", "ts": "1772452000.000400"},
    ]  # fmt: skip
    folder = tmp_path / "export" / "help-desk"
    folder.mkdir(parents=True)
    path = folder / "2026-03-02.json"
    path.write_text(json.dumps(day), encoding="utf-8")
    best, _ = registry().detect(open_source(path))[0]
    assert best.name == "nested_comments"
    rows = _rows(path)
    assert sorted(rows) == ["1772445600.000100", "1772449200.000100", "1772452000.000400"]
    reply = rows["1772449200.000100"]
    assert (reply["parent_id"], reply["thread_id"]) == ("1772445600.000100", "1772445600.000100")
    assert reply["author_id"] == "Acme Team" and rows["1772445600.000100"]["author_id"] == "ann"
    assert rows["1772452000.000400"]["author_id"] == "U2"  # no profile: the user id
    assert str(rows["1772452000.000400"]["created_at"]) == "2026-03-02 11:46:40.000400"
    assert {(r["platform"], r["group_id"]) for r in rows.values()} == {("slack", "help-desk")}
    ws = tmp_path / "ws"
    assert cli("init", str(ws)).exit_code == 0
    toml = ws / "socialproof.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace("handles = []", 'handles = ["Acme Team"]', 1),
        encoding="utf-8",
    )
    res = cli("import", str(path), "--workspace", str(ws))
    assert res.exit_code == 0, res.stderr
    assert "1 channel event" in res.stderr
    times = response_times(Workspace.open(ws))
    assert (times.overall["threads"], times.overall["answered"]) == (2, 1)
    first = dict(zip(times.threads["thread_key"], times.threads["first_response_s"], strict=True))
    assert first["1772445600.000100"] == 3600
