"""CSV bulk-upload files for Buffer and Hootsuite, with the post text kept exact.

Buffer (Help Center, "Bulk upload posts with a CSV file", checked 2025-06): a header row
``Text, Image URL, Tags, Posting Time``; Posting Time as ``YYYY-MM-DD HH:mm`` in the
channel's timezone; one channel per upload; image URLs must be public.

Hootsuite (Help Center, "Bulk schedule posts with the Bulk Composer", checked 2025-06):
no header row; columns date-time, message, optional link; date as ``DD/MM/YYYY HH:mm``
or ``MM/DD/YYYY HH:mm`` (24-hour, chosen at upload); minutes a multiple of 5; at least
10 minutes in the future; one social profile per file; up to 350 posts.

These files are read by the scheduling tool, not by a spreadsheet: each cell becomes
the post text, tag or link as written. So unlike socialproof's CSV reports, cells are
not formula-neutralised (a leading ``'`` would be published as part of a post that
starts with ``@acme``, ``-20%`` or ``+1``). A cell that starts with ``=`` gets a note
instead: opening the file in a spreadsheet app before uploading could run it.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from socialproof.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from socialproof.content.posts import Post

EXPORTS = ("buffer", "hootsuite")
BUFFER_COLUMNS = ("Text", "Image URL", "Tags", "Posting Time")
HOOTSUITE_MAX = 350


_FORMULA_START = "="


def _spreadsheet_note(post: Post, cells: Iterable[str]) -> list[str]:
    if any(c.startswith(_FORMULA_START) for c in cells):
        return [
            f"{post.source}: a cell starts with '='; upload the file as written, and do not "
            "open it in a spreadsheet app first (it could run as a formula)."
        ]
    return []


def _repeated_hour_note(post: Post, local: datetime, tool: str) -> list[str]:
    """A wall time the clocks going back make happen twice: the file holds no offset, so
    the tool picks one of the two (the later post could go out first, or an hour off)."""
    if local.replace(fold=1 - local.fold).utcoffset() == local.utcoffset():
        return []
    return [
        f"{post.source}: {local:%Y-%m-%d %H:%M} happens twice in {local.tzinfo} (the clocks "
        f"go back) and the file cannot say which; {tool} may publish it an hour off. Move "
        "it out of that hour."
    ]


def _scheduled(posts: Iterable[Post]) -> list[Post]:
    return sorted((p for p in posts if p.publish_at is not None), key=lambda p: p.publish_at)  # type: ignore[arg-type,return-value]


def _public_url(post: Post) -> str:
    for asset in post.assets:
        if asset.path and asset.path.startswith(("https://", "http://")):
            return asset.path
    return ""


def buffer_csv(posts: Iterable[Post], tz: ZoneInfo) -> tuple[str, list[str]]:
    """Buffer's bulk-upload CSV and notes about what could not be carried over."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(BUFFER_COLUMNS)
    notes: list[str] = []
    for p in _scheduled(posts):
        assert p.publish_at is not None
        image = _public_url(p)
        if not image and any(a.kind == "image" for a in p.assets):
            notes.append(
                f"{p.source}: images are local files; add them in Buffer (it needs public URLs)."
            )
        tags = ",".join(t for t in (p.pillar, p.campaign) if t)
        local = p.publish_at.astimezone(tz)
        notes += _repeated_hour_note(p, local, "Buffer")
        row = [p.text.strip(), image, tags, local.strftime("%Y-%m-%d %H:%M")]
        notes += _spreadsheet_note(p, row)
        writer.writerow(row)
    return buf.getvalue(), notes


def hootsuite_csv(
    posts: Iterable[Post], tz: ZoneInfo, *, day_first: bool = True
) -> tuple[str, list[str]]:
    """Hootsuite's Bulk Composer CSV (no header) and notes about rows it may refuse."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    notes: list[str] = []
    rows = _scheduled(posts)
    if len(rows) > HOOTSUITE_MAX:
        raise UsageError(
            f"{len(rows)} posts; Hootsuite's Bulk Composer takes at most {HOOTSUITE_MAX} per file.",
            hint="Export one platform or a shorter period (--platform, --start).",
        )
    fmt = "%d/%m/%Y %H:%M" if day_first else "%m/%d/%Y %H:%M"
    for p in rows:
        assert p.publish_at is not None
        local = p.publish_at.astimezone(tz)
        if local.minute % 5:
            notes.append(
                f"{p.source}: {local:%H:%M} is not a multiple of 5 minutes; Hootsuite will refuse it."
            )
        notes += _repeated_hour_note(p, local, "Hootsuite")
        link = next((w for w in p.text.split() if w.startswith(("https://", "http://"))), "")
        row = [local.strftime(fmt), p.text.strip(), link]
        notes += _spreadsheet_note(p, row)
        writer.writerow(row)
    days = [p.publish_at.astimezone(tz) for p in rows if p.publish_at is not None]
    ambiguous = [d for d in days if d.day <= 12 and d.day != d.month]
    if ambiguous:  # Hootsuite asks for the date format at upload; the other one moves them
        first = ambiguous[0]
        swapped = first.replace(day=first.month, month=first.day)
        order = "DD/MM/YYYY" if day_first else "MM/DD/YYYY"
        notes.insert(
            0,
            f"dates are written {order}: choose that format when uploading, or "
            f"{first.strftime(fmt)[:10]} is read as {swapped:%-d %B} instead of {first:%-d %B}.",
        )
    return buf.getvalue(), notes


def export(kind: str, posts: Iterable[Post], tz: ZoneInfo) -> tuple[str, list[str]]:
    posts = list(posts)
    if kind == "buffer":
        data, notes = buffer_csv(posts, tz)
    elif kind == "hootsuite":
        data, notes = hootsuite_csv(posts, tz)
    else:
        raise UsageError(f"Unknown export {kind!r}.", hint=f"Use one of: {', '.join(EXPORTS)}.")
    return data, _one_channel_note(kind, posts) + notes


def _one_channel_note(kind: str, posts: list[Post]) -> list[str]:
    """Buffer and Hootsuite take one channel (profile) per file: a file holding posts for
    Instagram and LinkedIn published all of them on the channel it was uploaded to."""
    from socialproof.content.posts import platforms

    names = sorted(
        {str(platforms().get(p.platform or "", {}).get("name", p.platform)) for p in posts}
    )
    if len(names) < 2:
        return []
    return [
        f"this file holds posts for {len(names)} platforms ({', '.join(names)}), and "
        f"{kind.title()} publishes a file's posts on the one channel it is uploaded to: "
        "export one platform at a time."
    ]
