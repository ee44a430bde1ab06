"""Comment and chat exports whose replies and authors are nested JSON objects.

A Facebook page's comments as the Graph API (and the tools built on it) export them:
``{"data": [{"id", "from": {"name", "id"}, "message", "created_time", "comments":
{"data": [reply, ...]}}]}``; Instagram's the same with ``username``, ``text``,
``timestamp`` and ``replies``. Read as a plain table, each comment's replies stay one
cell of JSON text: the brand's answers are lost and every comment reads unanswered. This
format takes each reply out as a message of its own, whose parent is the comment it sits
in, so a comment and its replies are one thread. A flat export whose rows name their
``parent`` (``{"id": ...}``) is read the same way, and so is a Discord channel as
DiscordChatExporter writes it (``{"messages": [{"id", "timestamp", "content", "author":
{"name"}, "reference": {"messageId"}}]}``): a reply's parent is the message it
references. YouTube comment threads as the Data API exports them (``{"items": [{"id",
"snippet": {"videoId", "topLevelComment": {"id", "snippet": {"authorDisplayName",
"textOriginal", "publishedAt"}}}, "replies": {"comments": [...]}}]}``) are read the same
way: each reply's parent is its thread's comment, the video is the post. A Slack channel's
day file (``general/2026-03-02.json``: ``[{"type", "user", "text", "ts", "thread_ts",
"user_profile"}]``) too: a thread reply's parent is the message that opened the thread,
the channel (its folder) the group, and the channel's events (joins, topic changes) are
left out.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from socialproof.ingest._aliases import Rows, find
from socialproof.ingest.base import Format, Frame, ReadContext, ReadResult, Source
from socialproof.ingest.conversations import thread_roots

if TYPE_CHECKING:
    import pyarrow as pa

_ID = ("id",)
_AUTHOR = ("from", "username", "user", "author")
_TEXT = ("message", "text", "content")
_CREATED = ("created_time", "timestamp")
_REPLIES = ("comments", "replies")
_PARENT = ("parent", "reference")
#: columns a Discord channel export (DiscordChatExporter JSON) always has beside these
_DISCORD = ("ispinned", "timestampedited", "attachments", "mentions", "reference")
_COLUMNS = ("message_id", "parent_id", "author_id", "text", "created_at")


def _frame(source: Source) -> tuple[Frame | None, float]:
    """The frame that looks like Graph API comments, and how sure that is."""
    best: Frame | None = None
    sure = 0.0
    for frame in source.frames:
        if (_is_youtube(frame) or _is_slack(frame)) and sure < 0.95:
            best, sure = frame, 0.95
            continue
        if not all(find(frame, g) is not None for g in (_ID, _AUTHOR, _TEXT, _CREATED)):
            continue
        nested = find(frame, _REPLIES) is not None or find(frame, ("parent",)) is not None
        graph = find(frame, ("from", "created_time")) is not None or nested
        score = 0.95 if nested else 0.85 if graph else 0.9 if _is_discord(frame) else 0.0
        if score > sure:
            best, sure = frame, score
    return best, sure


def _json(cell: Any) -> Any:
    if not isinstance(cell, str) or not cell.strip().startswith(("{", "[")):
        return None
    try:
        return json.loads(cell)
    except ValueError:
        return None


def _author(value: Any) -> str | None:
    """``from`` as the Graph API writes it ({"name", "id"}: the name, else the id), or a
    plain user name."""
    if isinstance(value, dict):
        name = value.get("name") or value.get("username") or value.get("id")
        return None if name is None else str(name)
    if value is None:
        return None
    text = str(value).strip()
    parsed = _json(text)
    return _author(parsed) if isinstance(parsed, dict) else (text or None)


def _replies(value: Any) -> list[dict[str, Any]]:
    """The replies in a ``comments`` / ``replies`` cell: {"data": [...]} or a bare list."""
    parsed = _json(value) if isinstance(value, str) else value
    if isinstance(parsed, dict):
        parsed = parsed.get("data")
    return [r for r in parsed if isinstance(r, dict)] if isinstance(parsed, list) else []


def _first(item: dict[str, Any], names: tuple[str, ...]) -> Any:
    return next((item[n] for n in names if n in item and item[n] not in (None, "")), None)


def _flatten(frame: Frame) -> tuple[list[dict[str, str | None]], list[int | None], int]:
    """One row per comment and per reply, in file order (each reply after its comment),
    with the source line of the comment it came from, and how many replies were nested."""
    cols = {
        key: find(frame, names)
        for key, names in (
            ("id", _ID),
            ("author", _AUTHOR),
            ("text", _TEXT),
            ("created", _CREATED),
            ("replies", _REPLIES),
            ("parent", _PARENT),
        )
    }
    data = frame.data.to_pydict()
    lines = frame.line_numbers
    out: list[dict[str, str | None]] = []
    where: list[int | None] = []
    nested = 0

    def cell(column: str | None, i: int) -> Any:
        return None if column is None else data[column][i]

    def add(item: dict[str, Any], parent: str | None, line: int | None, depth: int) -> None:
        nonlocal nested
        nested += depth > 0
        own = _first(item, _ID)
        up = _first(item, _PARENT)
        if isinstance(up, dict):
            up = up.get("id")
        elif isinstance(up, str) and (parsed := _json(up)) is not None:
            up = parsed if isinstance(parsed, dict) else None
        if isinstance(up, dict):  # Graph API {"id"}, Discord {"messageId", "channelId"}
            up = up.get("id") or up.get("messageId")
        out.append(
            {
                "message_id": None if own is None else str(own).strip() or None,
                "parent_id": parent if up in (None, "") else str(up).strip(),
                "author_id": _author(_first(item, _AUTHOR)),
                "text": None if (t := _first(item, _TEXT)) is None else str(t),
                "created_at": None if (c := _first(item, _CREATED)) is None else str(c),
            }
        )
        where.append(line)
        if depth < 8 and own is not None:  # Facebook nests two levels; deeper is odd data
            for reply in _replies(_first(item, _REPLIES)):
                add(reply, str(own).strip(), line, depth + 1)

    for i in range(frame.data.num_rows):
        item = {
            name: cell(cols[key], i)
            for key, name in (
                ("id", "id"),
                ("author", "from"),
                ("text", "message"),
                ("created", "created_time"),
                ("replies", "comments"),
                ("parent", "parent"),
            )
        }
        add(item, None, None if lines is None else lines[i], 0)
    return out, where, nested


class NestedCommentsFormat(Format):
    """Facebook / Instagram comments with their replies nested (Graph API JSON), Discord
    channel exports (DiscordChatExporter JSON)."""

    name = "nested_comments"
    label = "Comments with nested replies (Facebook / Instagram Graph API JSON), Discord JSON"
    tables = ("messages",)
    kinds = ("json", "jsonl")

    def detect(self, source: Source) -> float:
        return _frame(source)[1]

    def read(self, source: Source, ctx: ReadContext) -> ReadResult:
        import pyarrow as pa

        frame, _ = _frame(source)
        if frame is None:
            return ReadResult(tables={}, rows_read=0)
        youtube, slack = _is_youtube(frame), _is_slack(frame)
        system = 0
        if youtube:
            flat, lines, replies = _youtube_flatten(frame)
        elif slack:
            flat, lines, replies, system = _slack_flatten(frame)
        else:
            flat, lines, replies = _flatten(frame)
        columns = (*_COLUMNS, "post_id")
        table = pa.table({c: pa.array([r.get(c) for r in flat], pa.string()) for c in columns})
        known = [x for x in lines if x is not None]
        flat_frame = Frame(
            header=list(columns),
            data=table,
            line_numbers=None if len(known) != len(lines) else known,
        )
        discord = _is_discord(frame)
        instagram = find(frame, ("username",)) is not None and find(frame, ("from",)) is None
        platform = "discord" if discord else "instagram" if instagram else "facebook"
        platform = "youtube" if youtube else "slack" if slack else platform
        rows = Rows(flat_frame, "messages", ctx)
        rows.const("platform", ctx.platform or platform)
        ids = rows.text("message_id", ("message_id",))
        parents = rows.text("parent_id", ("parent_id",))
        rows.text("author_id", ("author_id",))
        rows.text("text", ("text",))
        rows.timestamp("created_at", ("created_at",))
        if youtube:
            rows.text("post_id", ("post_id",))  # the video commented on
        rows.require("message_id", "comment id")
        rows.require("created_at", "date")
        rows.const("group_id", _slack_channel(source.display_name) if slack else "")
        root = "message" if discord or slack else "comment"
        rows.set("channel", _channels(parents, len(flat), root))
        rows.set("thread_id", thread_roots(ids, parents))
        out, rejects = rows.finish()
        notes = list(dict.fromkeys(rows.notes))
        if system:
            notes.append(
                f"{system:,} channel event{'' if system == 1 else 's'} (joins, leaves, topic "
                "changes) left out: no one wrote them."
            )
        if replies and slack:
            notes.append(
                f"{replies:,} repl{'y' if replies == 1 else 'ies'} in threads read in the "
                "thread of the message they answer."
            )
        elif replies:
            notes.append(
                f"{replies:,} repl{'y' if replies == 1 else 'ies'} nested in the comments "
                "read as messages of their own, each in its comment's thread."
            )
        return ReadResult(
            tables={"messages": out},
            rows_read=len(flat),
            rejects=rejects,
            notes=notes,
        )


def _channels(parents: pa.Array | None, n: int, root: str) -> pa.Array:
    """'reply' for a reply, ``root`` for a comment on the page's post or a message in a
    channel."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if parents is None:
        return pa.array([root] * n, pa.string())
    return pc.if_else(pc.is_valid(parents), "reply", root)


def _is_youtube(frame: Frame) -> bool:
    """YouTube comment threads as the Data API (and the tools built on it) export them:
    items with an id, a ``snippet`` holding the ``topLevelComment`` and, when answered,
    ``replies`` {"comments": [...]}."""
    if find(frame, ("snippet",)) is None or find(frame, _ID) is None or not frame.data.num_rows:
        return False
    first = frame.data.column(find(frame, ("snippet",)) or "snippet")[0].as_py()
    snippet = _json(first) if isinstance(first, str) else first
    return isinstance(snippet, dict) and isinstance(snippet.get("topLevelComment"), dict)


def _youtube_flatten(frame: Frame) -> tuple[list[dict[str, str | None]], list[int | None], int]:
    """One row per top-level comment and per reply of YouTube comment threads (as
    :func:`_flatten`): a reply's parent is its thread's comment, its video the post."""
    data = frame.data.to_pydict()
    snippet_col = find(frame, ("snippet",)) or "snippet"
    replies_col = find(frame, ("replies",))
    lines = frame.line_numbers
    out: list[dict[str, str | None]] = []
    where: list[int | None] = []
    nested = 0

    def add(comment: Any, parent: str | None, line: int | None) -> None:
        if not isinstance(comment, dict):
            return
        found = comment.get("snippet")
        own: dict[str, Any] = found if isinstance(found, dict) else {}
        author = own.get("authorDisplayName") or (own.get("authorChannelId") or {}).get("value")
        text = own.get("textOriginal", own.get("textDisplay"))
        cid = comment.get("id")
        out.append(
            {
                "message_id": None if cid in (None, "") else str(cid),
                "parent_id": parent,
                "author_id": None if author is None else str(author),
                "text": None if text is None else str(text),
                "created_at": None if own.get("publishedAt") is None else str(own["publishedAt"]),
                "post_id": None if own.get("videoId") is None else str(own["videoId"]),
            }
        )
        where.append(line)

    for i in range(frame.data.num_rows):
        cell = data[snippet_col][i]
        snippet = _json(cell) if isinstance(cell, str) else cell
        top = snippet.get("topLevelComment") if isinstance(snippet, dict) else None
        line = None if lines is None else lines[i]
        if not isinstance(top, dict):
            continue
        add(top, None, line)
        raw = data[replies_col][i] if replies_col is not None else None
        replies = _json(raw) if isinstance(raw, str) else raw
        comments = replies.get("comments") if isinstance(replies, dict) else None
        for reply in comments if isinstance(comments, list) else []:
            nested += 1
            add(reply, None if top.get("id") in (None, "") else str(top["id"]), line)
    return out, where, nested


#: Slack message subtypes that are the channel's events, not anyone's words.
_SLACK_EVENTS = frozenset(
    {
        "channel_join", "channel_leave", "channel_topic", "channel_purpose", "channel_name",
        "channel_archive", "channel_unarchive", "group_join", "group_leave", "group_topic",
        "group_purpose", "group_name", "pinned_item", "unpinned_item", "bot_add",
        "bot_remove", "tombstone",
    }
)  # fmt: skip


def _is_slack(frame: Frame) -> bool:
    """A Slack channel's day as Slack's workspace export writes it (``channel/YYYY-MM-DD
    .json``): messages with ``type``, ``ts`` (the id and the time) and ``text``."""
    return all(find(frame, (c,)) is not None for c in ("type", "ts", "text")) and (
        find(frame, ("user",)) is not None or find(frame, ("user_profile",)) is not None
    )


def _slack_time(ts: str) -> str | None:
    """Slack's '1772445600.000100' (seconds since 1970, UTC) as an ISO time, exactly."""
    from datetime import UTC, datetime, timedelta

    whole, _, frac = ts.strip().partition(".")
    if not whole.isdigit() or (frac and not frac.isdigit()):
        return None
    at = datetime.fromtimestamp(int(whole), UTC) + timedelta(
        microseconds=int((frac + "000000")[:6])
    )
    return at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _slack_flatten(
    frame: Frame,
) -> tuple[list[dict[str, str | None]], list[int | None], int, int]:
    """One row per message of a Slack channel export (as :func:`_flatten`): its ``ts``
    the id, a thread reply's parent the thread's ``thread_ts``, the author the profile's
    display name (else real name, else the user id); channel events left out (counted)."""
    data = frame.data.to_pydict()

    def column(name: str) -> list[Any]:
        found = find(frame, (name,))
        return data[found] if found is not None else [None] * frame.data.num_rows

    lines = frame.line_numbers
    out: list[dict[str, str | None]] = []
    where: list[int | None] = []
    replies = events = 0
    cells = zip(
        column("ts"), column("thread_ts"), column("user"), column("user_profile"),
        column("text"), column("subtype"), strict=True,
    )  # fmt: skip
    for i, (ts, thread, user, profile, text, subtype) in enumerate(cells):
        if subtype in _SLACK_EVENTS:
            events += 1
            continue
        own = None if ts in (None, "") else str(ts).strip()
        up = None if thread in (None, "") or str(thread).strip() == own else str(thread).strip()
        replies += up is not None
        person = _json(profile) if isinstance(profile, str) else profile
        name = None
        if isinstance(person, dict):
            name = person.get("display_name") or person.get("real_name")
        out.append(
            {
                "message_id": own,
                "parent_id": up,
                "author_id": str(name or user) if (name or user) else None,
                "text": None if text is None else str(text),
                "created_at": None if own is None else _slack_time(own),
            }
        )
        where.append(None if lines is None else lines[i])
    return out, where, replies, events


def _slack_channel(display_name: str) -> str:
    """The channel of a Slack export's day file: its folder ('general/2026-03-02.json')."""
    parts = display_name.replace("\\", "/").replace("!", "/").split("/")
    return parts[-2] if len(parts) >= 2 else ""


def _is_discord(frame: Frame) -> bool:
    """A Discord channel's messages as DiscordChatExporter writes them: id, timestamp,
    content and an author object, with its own columns (isPinned, attachments, ...)."""
    own = all(find(frame, (c,)) is not None for c in ("id", "timestamp", "content", "author"))
    return own and any(find(frame, (c,)) is not None for c in _DISCORD)
