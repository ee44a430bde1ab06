"""The content calendar: planned posts in a week or a month, cadence, gaps and clashes.

Posting cadence per platform is compared with the posts-per-week benchmark the
measure area packages in ``data/benchmarks.yaml`` when it is there; without it
the calendar still shows the cadence and says that no benchmark was found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import yaml

from socialproof.content.posts import DATA_DIR, platforms
from socialproof.errors import BadInput, UsageError

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path
    from zoneinfo import ZoneInfo

    from socialproof.content.posts import Post
    from socialproof.workspace import Workspace

VIEWS = ("week", "month")
CLASH_MINUTES = 120
DEFAULT_GAP_DAYS = 4.0


@dataclass
class Benchmark:
    per_week: float
    source: str
    as_of: str = ""


@dataclass
class Calendar:
    view: str
    start: date
    end: date  # exclusive
    tz: ZoneInfo
    posts: list[Post]
    unscheduled: list[Post] = field(default_factory=list)
    cadence: list[dict[str, Any]] = field(default_factory=list)
    gaps: list[dict[str, Any]] = field(default_factory=list)
    clashes: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days)]

    def local(self, post: Post) -> datetime:
        assert post.publish_at is not None
        return post.publish_at.astimezone(self.tz)

    @property
    def title(self) -> str:
        if self.view == "week":
            return f"Content calendar: week of {self.start:%-d %b %Y}"
        return f"Content calendar: {self.start:%B %Y}"


def wall_clock(when: datetime, fmt: str = "%H:%M") -> str:
    """``when`` as a clock on the wall reads it, with the zone's abbreviation when the clocks
    going back make that time happen twice ('01:30 EDT', then '01:20 EST'): without it
    the later post read as the earlier one."""
    text = when.strftime(fmt)
    if when.tzinfo is not None and when.replace(fold=1 - when.fold).utcoffset() != when.utcoffset():
        text += f" {when.tzname()}"
    return text


def period(view: str, start: date) -> tuple[date, date]:
    """The week (Monday to Sunday) or calendar month holding ``start``."""
    if view not in VIEWS:
        raise UsageError(f"Unknown view {view!r}.", hint="Use --week or --month.")
    if view == "week":
        first = start - timedelta(days=start.weekday())
        return first, first + timedelta(days=7)
    first = start.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return first, nxt


def default_start(posts: Iterable[Post], tz: ZoneInfo, today: date | None = None) -> date:
    """The first planned day from today on, else the first planned day at all, else today."""
    today = today or datetime.now(tz).date()
    days = sorted(p.publish_at.astimezone(tz).date() for p in posts if p.publish_at is not None)
    upcoming = [d for d in days if d >= today]
    if upcoming:
        return upcoming[0]
    return days[0] if days else today


def build_calendar(
    posts: list[Post],
    *,
    tz: ZoneInfo,
    view: str = "week",
    start: date | None = None,
    clash_minutes: int = CLASH_MINUTES,
    gap_days: float | None = None,
    benchmarks: dict[str, Benchmark] | None = None,
    today: date | None = None,
    industry: str | None = None,
) -> Calendar:
    """Place posts in the period and work out cadence, gaps and clashes."""
    first, end = period(view, start or default_start(posts, tz, today))
    lo = datetime.combine(first, time(0), tzinfo=tz)
    hi = datetime.combine(end, time(0), tzinfo=tz)
    planned = [p for p in posts if p.publish_at is not None]
    inside = sorted(
        (p for p in planned if lo <= p.publish_at <= hi and p.publish_at < hi),  # type: ignore[operator]
        key=lambda p: (_when(p), p.platform or "", p.source),
    )
    cal = Calendar(
        view=view,
        start=first,
        end=end,
        tz=tz,
        posts=inside,
        unscheduled=[p for p in posts if p.publish_at is None],
    )
    if benchmarks is None:
        benchmarks, note = load_cadence_benchmarks(industry)
        if note:
            cal.notes.append(note)
    weeks = (end - first).days / 7.0
    by_platform: dict[str, list[Post]] = {}
    for p in inside:
        by_platform.setdefault(p.platform or "unknown", []).append(p)
    for pid, items in sorted(by_platform.items()):
        bench = benchmarks.get(pid)
        per_week = len(items) / weeks
        row: dict[str, Any] = {
            "platform": platforms().get(pid, {}).get("name", pid),
            "posts": len(items),
            "per week": round(per_week, 2),
            "benchmark per week": None if bench is None else bench.per_week,
            "verdict": _verdict(per_week, bench),
            "source": "" if bench is None else bench.source,
        }
        cal.cadence.append(row)
        threshold = gap_days or (
            max(2.0, 2 * 7.0 / bench.per_week) if bench and bench.per_week > 0 else DEFAULT_GAP_DAYS
        )
        # the platform's posts just before and after the period: a gap or clash across its
        # edge is measured from them (a Sunday-night and a Monday-morning post clash)
        same = [p for p in planned if (p.platform or "unknown") == pid]
        before = max((p for p in same if _when(p) < lo), key=_when, default=None)
        after = min((p for p in same if _when(p) >= hi), key=_when, default=None)
        gap_lo = _when(before) if before is not None else lo
        gap_hi = _when(after) if after is not None else hi
        cal.gaps.extend(_gaps(pid, items, gap_lo, gap_hi, threshold, tz))
        edges = [*([before] if before else []), *items, *([after] if after else [])]
        cal.clashes.extend(_clashes(pid, edges, clash_minutes, tz))
    return cal


def _when(post: Post) -> datetime:
    """The post's instant in UTC. Python compares and subtracts two datetimes of one zone
    by their wall clocks, so across a change of the clocks 01:30 and 03:45 on the spring
    night in Berlin read 135 minutes apart where 75 pass; in UTC they are instants."""
    assert post.publish_at is not None
    return post.publish_at.astimezone(UTC)


def _verdict(per_week: float, bench: Benchmark | None) -> str:
    if bench is None:
        return "no benchmark"
    if per_week < 0.75 * bench.per_week:
        return "below benchmark"
    if per_week > 1.5 * bench.per_week:
        return "above benchmark"
    return "near benchmark"


def _gaps(
    pid: str, items: list[Post], lo: datetime, hi: datetime, threshold: float, tz: ZoneInfo
) -> list[dict[str, Any]]:
    """Stretches longer than ``threshold`` days without a post, from ``lo`` (the period's
    start, or the platform's last post before it) to ``hi`` (its end, or the next post)."""
    times = [lo, *(_when(p) for p in items if p.publish_at is not None), hi]
    times = [t.astimezone(UTC) for t in times]  # elapsed time, not wall-clock differences
    out: list[dict[str, Any]] = []
    for a, b in zip(times, times[1:], strict=False):
        days = (b - a).total_seconds() / 86400
        if days > threshold:
            out.append(
                {
                    "platform": pid,
                    "from": wall_clock(a.astimezone(tz), "%a %-d %b %H:%M"),
                    "to": wall_clock(b.astimezone(tz), "%a %-d %b %H:%M"),
                    "days": round(days, 1),
                    "threshold_days": round(threshold, 1),
                }
            )
    return out


def _clashes(pid: str, items: list[Post], minutes: int, tz: ZoneInfo) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for a, b in zip(items, items[1:], strict=False):
        apart = (_when(b) - _when(a)).total_seconds() / 60  # in UTC: across a clock change
        if apart < minutes:
            out.append(
                {
                    "platform": pid,
                    "first": a.title or a.source,
                    "second": b.title or b.source,
                    "at": wall_clock(_when(a).astimezone(tz), "%a %-d %b %H:%M"),
                    "minutes_apart": int(apart),
                }
            )
    return out


def load_cadence_benchmarks(industry: str | None = None) -> tuple[dict[str, Benchmark], str | None]:
    """Posts-per-week benchmarks from ``data/benchmarks.yaml`` (owned by the measure area).

    The reader is tolerant: it looks for mappings that name a platform and carry a
    posts-per-week figure (``metric: posts_per_week`` with ``value:``, or a
    ``posts_per_week:`` key). Figures for another industry are skipped; of several,
    the most recent (``year``/``as_of``) wins. Returns the figures and a note when
    none could be found.
    """
    path = DATA_DIR / "benchmarks.yaml"
    if not path.is_file():
        return {}, (
            "No posting-frequency benchmarks are packaged (data/benchmarks.yaml); "
            "cadence is shown without comparison."
        )
    try:
        stat = path.stat()
        data = _benchmarks_yaml(str(path), stat.st_mtime_ns, stat.st_size)
    except (yaml.YAMLError, OSError):
        return {}, f"{path.name} could not be read; cadence is shown without comparison."
    found: dict[str, tuple[str, Benchmark]] = {}
    _walk(data, found, context={}, industry=industry)
    if not found:
        return (
            {},
            f"{path.name} holds no posts-per-week figures; cadence is shown without comparison.",
        )
    return {pid: bench for pid, (_, bench) in found.items()}, None


@lru_cache(maxsize=4)
def _benchmarks_yaml(path: str, mtime_ns: int, size: int) -> Any:
    """The parsed benchmarks file, read again when it changes (the calendar page asks on
    every request; parsing it took most of the page's time). Read only, never changed."""
    from pathlib import Path

    return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_YAML_LOADER)  # noqa: S506


_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _walk(
    node: Any,
    found: dict[str, tuple[str, Benchmark]],
    context: dict[str, Any],
    key: str = "",
    industry: str | None = None,
) -> None:
    from socialproof.content.posts import field_aliases

    if isinstance(node, list):
        for item in node:
            _walk(item, found, context, key, industry)
        return
    if not isinstance(node, dict):
        return
    ctx = dict(context)
    for k in ("source", "as_of", "platform", "year", "industry", "via"):
        if k in node and isinstance(node[k], (str, int, float)):
            ctx[k] = str(node[k])
    if "platform" not in node and key.lower() in field_aliases():
        ctx["platform"] = key
    value: Any = None
    for k, v in node.items():
        if str(k).lower().replace(" ", "_").replace("-", "_") in (
            "posts_per_week",
            "cadence_per_week",
        ):
            value = v.get("value") if isinstance(v, dict) else v
            if isinstance(v, dict):
                for kk in ("source", "as_of", "year"):
                    if kk in v:
                        ctx[kk] = str(v[kk])
    metric = str(node.get("metric", "")).lower().replace(" ", "_").replace("/", "_per_")
    if value is None and metric in ("posts_per_week", "post_frequency", "posts_week"):
        value = node.get("value")
    pid = field_aliases().get(str(ctx.get("platform", "")).lower())
    scope = str(ctx.get("industry", "all")).lower()
    if value is not None and pid is not None and scope in ("all", "", str(industry or "all")):
        try:
            per_week = float(value)
        except (TypeError, ValueError):
            per_week = -1.0
        when = str(ctx.get("year") or ctx.get("as_of") or "")
        rank = f"{1 if scope not in ('all', '') else 0}|{when}"
        if per_week > 0 and (pid not in found or rank > found[pid][0]):
            source = ctx.get("source", "data/benchmarks.yaml")
            if ctx.get("via") == "summary":
                source += " (via summaries)"
            found[pid] = (rank, Benchmark(per_week, source, str(ctx.get("as_of", ""))))
    for k, v in node.items():
        if isinstance(v, (dict, list)):
            _walk(v, found, ctx, str(k), industry)


# -- what may leave socialproof ---------------------------------------------

EXPORT_KINDS = ("ical", "buffer", "hootsuite")
_EXPORT_FILES = {
    "ical": ("content-calendar.ics", "text/calendar"),
    "buffer": ("buffer-upload.csv", "text/csv"),
    "hootsuite": ("hootsuite-upload.csv", "text/csv"),
}


@dataclass
class Export:
    """An export file of planned posts, with what was left out and why."""

    kind: str
    data: str | bytes
    posts: list[Post]
    left_out: dict[str, list[str]]  # post source -> what blocks it
    notes: list[str]

    @property
    def filename(self) -> str:
        return _EXPORT_FILES[self.kind][0]

    @property
    def media_type(self) -> str:
        return _EXPORT_FILES[self.kind][1]


def cleared_posts(
    ws: Workspace, posts: list[Post], *, include_uncleared: bool = False
) -> tuple[list[Post], dict[str, list[str]]]:
    """The posts that may be exported, and for each one left out what blocks it.

    A post is cleared when every approval tier approved its current version, no one
    rejected it and no lint error is left (the rules of ``content.approvals``).
    ``include_uncleared`` lets every post through (the CLI's ``--include-uncleared``)
    but still reports what would have blocked each one.
    """
    from socialproof.content.approvals import clearance

    states = clearance(ws, posts)
    chosen: list[Post] = []
    left_out: dict[str, list[str]] = {}
    for post in posts:
        state = states.get(post.source)
        problems = ["not a file in the workspace"] if state is None else state.problems
        if problems:
            left_out[post.source] = problems
            if not include_uncleared:
                continue
        chosen.append(post)
    return chosen, ({} if include_uncleared else left_out)


def export_posts(
    ws: Workspace,
    kind: str,
    posts: list[Post],
    *,
    include_uncleared: bool = False,
    name: str = "Content calendar",
) -> Export:
    """An iCalendar, Buffer or Hootsuite file of the cleared posts among ``posts``.

    The one gate every face goes through: posts still lacking approvals or with
    lint errors left stay out unless ``include_uncleared`` is given.
    """
    if kind not in EXPORT_KINDS:
        raise UsageError(
            f"Unknown export {kind!r}.", hint=f"Use one of: {', '.join(EXPORT_KINDS)}."
        )
    planned = [p for p in posts if p.publish_at is not None]
    chosen, blocked = cleared_posts(ws, planned)
    if include_uncleared:  # every planned post, but an uncleared one is not confirmed
        chosen, left_out = planned, {}
    else:
        left_out = blocked
    tz = ws.settings.tz
    data: str | bytes
    if kind == "ical":
        from socialproof.content.ical import to_ical

        data = to_ical(chosen, name=name, root=ws.root, tentative=set(blocked))
        notes = list[str]()
    else:
        from socialproof.content.exports import export

        data, notes = export(kind, chosen, tz)
        now = datetime.now(UTC)
        past = [p.source for p in chosen if p.publish_at is not None and p.publish_at < now]
        if past:  # an upload tool refuses a past time, or publishes the post at once
            notes.append(
                f"{len(past)} post{'s are' if len(past) > 1 else ' is'} set in the past "
                f"({', '.join(past[:5])}{', ...' if len(past) > 5 else ''}): {kind.title()} "
                "refuses a past time or publishes at once. Move them, or leave them out."
            )
    return Export(kind=kind, data=data, posts=chosen, left_out=left_out, notes=notes)


# -- rescheduling ------------------------------------------------------------

_PUBLISH_LINE = re.compile(r"^publish_at:.*$", re.M)


def reschedule(ws: Workspace, path: Path, day: date, at: time | None = None) -> Post:
    """Move a post to another day (and optionally time), keeping its timezone.

    ``publish_at`` is part of what approvers approve, so a moved post needs new
    approvals: an ``approved`` or ``scheduled`` status goes back to ``in-review``.
    The file is rewritten atomically; other front matter and the body are untouched.
    """
    from socialproof.content.posts import post_file_lock

    if not 1970 <= day.year <= 2999:
        raise BadInput(f"{day} is out of range.", hint="Check the year.")
    target = ws.path(path)
    if target.parent != (ws.root / "content").resolve() or target.suffix != ".md":
        raise BadInput(
            f"{path} is not a post in the workspace's content/ folder.",
            hint="Pick a post from content/*.md.",
        )
    with post_file_lock(target):  # read, change and write back as one step
        return _move(ws, target, day, at)


def _move(ws: Workspace, target: Path, day: date, at: time | None) -> Post:
    from socialproof.content.approvals import set_status
    from socialproof.content.posts import load_post, replace_text

    post = load_post(target, ws=ws)
    old = post.publish_at
    if old is None:
        when = datetime.combine(day, at or time(9, 0))
        line = f"publish_at: {when:%Y-%m-%d %H:%M} {ws.settings.tz.key}"
    else:
        zone = old.tzinfo
        when = datetime.combine(day, at or old.time().replace(tzinfo=None))
        key = getattr(zone, "key", None)
        if key:  # written with a zone name: keep it
            line = f"publish_at: {when:%Y-%m-%d %H:%M} {key}"
        else:  # written with a fixed offset, e.g. 2026-12-08T17:30:00+01:00
            local = ws.settings.tz
            if old.utcoffset() == old.astimezone(local).utcoffset():
                # the workspace's offset that day: moved across a clock change, the post
                # kept +01:00 and went out an hour off the time the calendar showed
                zone = timezone(when.replace(tzinfo=local).utcoffset() or timedelta(0))
            line = f"publish_at: {when.replace(tzinfo=zone).isoformat()}"
    head = post.head
    if _PUBLISH_LINE.search(head):
        head = _PUBLISH_LINE.sub(line, head, count=1)
    elif head.startswith("---\n"):
        head = "---\n" + line + "\n" + head[4:]
    else:
        head = f"---\n{line}\n---\n"
    try:
        replace_text(target, head + post.text)
    except OSError as exc:
        raise BadInput(
            f"Cannot rewrite {target.name}: {exc.strerror or exc}.",
            hint="Check the file's permissions.",
        ) from None
    moved = load_post(target, ws=ws)
    if moved.status in ("approved", "scheduled"):
        set_status(moved, "in-review")
    return moved
