"""Export the calendar to iCalendar (RFC 5545), one event per planned post."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from socialproof import __version__

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable
    from pathlib import Path

    from socialproof.content.posts import Post

_CONFIRMED = {"approved", "scheduled", "published"}


def to_ical(
    posts: Iterable[Post],
    *,
    name: str = "Content calendar",
    minutes: int = 15,
    root: Path | None = None,
    tentative: Collection[str] = (),
) -> bytes:
    """A VCALENDAR with a VEVENT per post that has a publish time (times in UTC).

    Each event's UID comes from the post's path relative to ``root`` (the workspace),
    so exporting again from any folder updates the events a calendar already holds
    instead of adding copies. A post whose source is in ``tentative`` (not cleared: an
    approval gone stale with an edit, a tier still open) is TENTATIVE whatever its
    file's status says.
    """
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", f"-//socialproof//socialproof {__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    stamp = datetime.now(UTC).replace(microsecond=0)
    for post in posts:
        if post.publish_at is None:
            continue
        start = post.publish_at.astimezone(UTC)
        event = Event()
        uid = hashlib.sha256(f"{_key(post, root)}|{post.platform}".encode()).hexdigest()[:24]
        event.add("uid", f"{uid}@socialproof")
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=minutes))
        title = post.title or (post.text.strip().splitlines() or [post.source])[0][:60]
        event.add("summary", f"{post.platform}: {title}")
        event.add("description", post.text.strip())
        cats = [c for c in (post.platform, post.pillar, post.campaign) if c]
        if cats:
            event.add("categories", cats)
        confirmed = post.status in _CONFIRMED and post.source not in tentative
        event.add("status", "CONFIRMED" if confirmed else "TENTATIVE")
        cal.add_component(event)
    return bytes(cal.to_ical())


def _key(post: Post, root: Path | None) -> str:
    """The post's path relative to the workspace (as given when it lies elsewhere)."""
    if root is None or post.path is None:
        return post.source
    try:
        return post.path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return post.source
