"""Planned posts: ``content/*.md`` files with YAML front matter and the post text as body.

A post file looks like::

    ---
    platform: instagram
    publish_at: 2026-03-02 09:00 Europe/Berlin   # or ISO 8601 with an offset
    pillar: education
    campaign: spring-launch
    author: Sam
    status: draft          # draft | in-review | approved | scheduled | published
    assets:
      - image: assets/launch.jpg
        alt: A barista pours oat milk into a flat white.
      - video: assets/launch.mp4
        captions: assets/launch.vtt
        duration: 45
    lint:
      disable:
        a11y.emoji-count: "Launch post; the emoji are the product names."
    ---
    The text of the post, exactly as it will be published.

Every position a finding reports is a line and column of the file itself.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from socialproof.errors import BadInput, FileMissing
from socialproof.workspace.textfile import replace_text as replace_text  # posts' rewrites

if TYPE_CHECKING:
    from socialproof.workspace import Workspace

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
STATUSES = ("draft", "in-review", "approved", "scheduled", "published")
#: The front-matter keys a post may hold; any other key is ignored with a note.
FIELDS = (
    "title", "platform", "publish_at", "pillar", "campaign", "author", "status",
    "industry", "sponsored", "assets", "lint",
)  # fmt: skip
_ASSET_KEYS = {"image", "video", "document", "file", "alt", "captions", "duration"}
_IMAGE_EXT = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".avif", ".bmp", ".tif", ".tiff"}
_VIDEO_EXT = {".mp4", ".mov", ".m4v", ".webm", ".avi", ".mkv"}
_ZONE_SUFFIX = re.compile(r"^(?P<dt>.+?)\s+(?P<zone>[A-Za-z_]+(?:/[A-Za-z0-9_+\-]+)+|UTC)$")
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Asset:
    """An image, video or other file attached to a post."""

    kind: str  # image | video | document
    path: str | None
    alt: str | None
    captions: str | None  # captions file or "burned-in"; None = no captions
    duration_s: float | None
    line: int  # file line of this asset in the front matter


@dataclass
class Post:
    """One post: front matter fields, body text and where the body starts in the file."""

    source: str
    text: str
    body_line: int = 1
    front: dict[str, Any] = field(default_factory=dict)
    front_lines: dict[str, int] = field(default_factory=dict)
    platform: str | None = None
    industry: str | None = None
    publish_at: datetime | None = None
    status: str = "draft"
    author: str | None = None
    pillar: str | None = None
    campaign: str | None = None
    title: str | None = None
    sponsored: bool = False
    assets: list[Asset] = field(default_factory=list)
    disabled: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    path: Path | None = None
    head: str = ""  # the file text before the body (front matter), kept for --fix
    _line_starts: list[int] | None = field(default=None, repr=False)

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column), both 1-based, in the file for a character offset in ``text``."""
        if self._line_starts is None:
            starts = [0]
            starts.extend(m.end() for m in re.finditer("\n", self.text))
            self._line_starts = starts
        starts = self._line_starts
        lo, hi = 0, len(starts) - 1
        while lo < hi:  # last start <= offset
            mid = (lo + hi + 1) // 2
            if starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return self.body_line + lo, offset - starts[lo] + 1

    def field_line(self, key: str) -> int:
        return self.front_lines.get(key, 1)

    @property
    def content_hash(self) -> str:
        """sha256 of what an approver approves: body and front matter except ``status``."""
        front = {k: v for k, v in self.front.items() if k != "status"}
        canon = json.dumps(front, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256((canon + "\n---\n" + self.text).encode("utf-8")).hexdigest()


@cache
def platforms() -> dict[str, Any]:
    """The packaged platform facts (``data/platforms.yaml``)."""
    text = (DATA_DIR / "platforms.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.load(text, Loader=_Loader)  # noqa: S506 (safe loader)
    return dict(data["platforms"])


@cache
def field_aliases() -> dict[str, str]:
    out: dict[str, str] = {}
    for pid, spec in platforms().items():
        out[pid] = pid
        if spec.get("name"):  # the name socialproof shows ("X (Twitter)") is accepted back
            out[str(spec["name"]).strip().lower()] = pid
        for alias in spec.get("aliases") or []:
            out[str(alias).lower()] = pid
    return out


def resolve_platform(name: str, *, where: str = "") -> str:
    """The canonical platform id for a name or alias; unknown names list the known ones."""
    key = str(name).strip().lower()
    found = field_aliases().get(key)
    if found is None:
        prefix = f"{where}: " if where else ""
        raise BadInput(
            f"{prefix}unknown platform {name!r}.",
            hint=f"Use one of: {', '.join(sorted(platforms()))}.",
        )
    return found


def parse_post(
    raw: str,
    *,
    source: str = "<text>",
    path: Path | None = None,
    ws: Workspace | None = None,
    default_tz: str | None = None,
) -> Post:
    """Parse the text of a post file; every error names ``source:line``."""
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    if raw.startswith("\ufeff"):
        raw = raw[1:]
    front: dict[str, Any] = {}
    lines: dict[str, int] = {}
    asset_lines: list[int] = []
    body, body_line = raw, 1
    if raw.startswith("---\n") or raw == "---":
        end = re.search(r"^(---|\.\.\.)[ \t]*$", raw[4:], flags=re.M)
        if end is None:
            raise BadInput(
                f"{source}:1: front matter starts with '---' but never ends.",
                hint="Close it with a line holding only '---'.",
            )
        yaml_text = raw[4 : 4 + end.start()]
        rest = raw[4 + end.end() :]
        body = rest[1:] if rest.startswith("\n") else rest
        body_line = 2 + yaml_text.count("\n") + 1
        front, lines, asset_lines = _load_front(yaml_text, source)
    post = Post(
        source=source,
        text=body,
        body_line=body_line,
        front=front,
        front_lines=lines,
        path=path,
        head=raw[: len(raw) - len(body)],
    )
    _fill(post, asset_lines, ws=ws, default_tz=default_tz)
    return post


def post_file_lock(path: Path) -> threading.RLock:
    """The lock held while one post file is read, changed and written back (status,
    publish_at, edits), so two requests of the web app changing one post never lose each
    other's change. One lock per file: changes to different posts do not wait for each
    other (one lock for every post made 50 people's approvals and moves queue)."""
    key = os.path.realpath(path)
    with _FILE_LOCKS_LOCK:
        lock = _FILE_LOCKS.get(key)
        if lock is None:
            lock = _FILE_LOCKS[key] = threading.RLock()
        return lock


_FILE_LOCKS: dict[str, threading.RLock] = {}
_FILE_LOCKS_LOCK = threading.Lock()


def load_post(path: Path, *, ws: Workspace | None = None) -> Post:
    """Read and parse one post file."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileMissing(f"{path} does not exist.", hint="Check the path.") from None
    except IsADirectoryError:
        raise BadInput(f"{path} is a folder, not a post file.", hint="Pass content/*.md.") from None
    except UnicodeDecodeError:
        raise BadInput(f"{path} is not UTF-8 text.", hint="Save it as UTF-8.") from None
    default_tz = ws.settings.timezone if ws is not None else None
    key = (raw, str(path), str(ws.root) if ws is not None else "", default_tz)
    with _PARSED_LOCK:
        known = _PARSED.get(key)
    if known is None:
        known = parse_post(raw, source=str(path), path=path, ws=ws, default_tz=default_tz)
        with _PARSED_LOCK:
            if len(_PARSED) >= _PARSED_MAX:
                _PARSED.clear()
            _PARSED[key] = known
    return copy.copy(known)  # attributes the caller sets (status, head) stay its own


#: Posts parsed before, by their file's text (the pages read every post on each request;
#: the text is read again every time, only the parsing is saved).
_PARSED: dict[tuple[str, str, str, str | None], Post] = {}
_PARSED_LOCK = threading.Lock()
_PARSED_MAX = 512


def load_posts(paths: list[Path], *, ws: Workspace | None = None) -> list[Post]:
    return [load_post(p, ws=ws) for p in paths]


def content_files(ws: Workspace) -> list[Path]:
    """The workspace's planned posts, sorted by name (README.md and _drafts.md are skipped)."""
    folder = ws.root / "content"
    if not folder.is_dir():
        return []
    here = Path.cwd().resolve()
    out = []
    for p in sorted(folder.glob("*.md")):
        if p.is_file() and not p.name.startswith(("_", ".")) and p.stem.lower() != "readme":
            try:  # shorter paths in messages when the workspace is the current folder
                out.append(p.resolve().relative_to(here))
            except ValueError:
                out.append(p)
    return out


# -- internals -------------------------------------------------------------


def _load_front(text: str, source: str) -> tuple[dict[str, Any], dict[str, int], list[int]]:
    if not text.strip():
        return {}, {}, []
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is not None:
                _refuse_aliases(node, source)
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 2 if mark is not None else 2
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise BadInput(
            f"{source}:{line}: malformed front matter: {problem}.",
            hint="Fix the YAML between the '---' lines (quote text that holds ': ' or '#').",
        ) from None
    except BadInput:
        raise
    except (ValueError, OverflowError) as exc:  # a YAML date or time that cannot exist
        raise BadInput(
            f"{source}: malformed front matter: {exc}.",
            hint="Check dates and times: a real day, an offset within ±24:00.",
        ) from None
    if data is None:
        return {}, {}, []
    if not isinstance(data, dict):
        raise BadInput(
            f"{source}:2: front matter must be 'key: value' lines, not a {type(data).__name__}.",
            hint="Write e.g. 'platform: instagram'.",
        )
    lines: dict[str, int] = {}
    asset_lines: list[int] = []
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value)
            lines[key] = key_node.start_mark.line + 2
            if key == "assets" and isinstance(value_node, yaml.SequenceNode):
                asset_lines = [item.start_mark.line + 2 for item in value_node.value]
    return {str(k): v for k, v in data.items()}, lines, asset_lines


def _fill(
    post: Post, asset_lines: list[int], *, ws: Workspace | None, default_tz: str | None
) -> None:
    f = post.front
    src = post.source
    if isinstance(f.get("platform"), (list, dict)):
        raise BadInput(
            f"{src}:{post.field_line('platform')}: a post has one platform, not "
            f"{', '.join(map(str, f['platform']))}.",
            hint="Write one post file per platform: copy it and change 'platform:' in the copy.",
        )
    if f.get("platform") is not None:
        post.platform = resolve_platform(
            str(f["platform"]), where=f"{src}:{post.field_line('platform')}"
        )
    if f.get("industry") is not None:
        from socialproof.workspace.settings import INDUSTRIES

        ind = str(f["industry"]).strip().lower()
        if ind not in INDUSTRIES:
            raise BadInput(
                f"{src}:{post.field_line('industry')}: unknown industry {f['industry']!r}.",
                hint=f"Use one of: {', '.join(INDUSTRIES)}.",
            )
        post.industry = ind
    status = str(f.get("status", "draft")).strip().lower()
    if status not in STATUSES:
        raise BadInput(
            f"{src}:{post.field_line('status')}: unknown status {f.get('status')!r}.",
            hint=f"Use one of: {', '.join(STATUSES)}.",
        )
    post.status = status
    for name in ("author", "pillar", "campaign", "title"):
        value = f.get(name)
        if value is not None and not isinstance(value, (str, int, float)):
            raise BadInput(
                f"{src}:{post.field_line(name)}: {name} must be text.",
                hint=f"Write e.g. '{name}: something'.",
            )
        setattr(post, name, None if value is None else str(value).strip() or None)
    post.sponsored = bool(f.get("sponsored", False))
    if f.get("publish_at") is not None:
        post.publish_at = _publish_at(post, f["publish_at"], default_tz)
    post.assets = _assets(post, f.get("assets"), asset_lines, ws)
    post.disabled = _disabled(post, f.get("lint"))
    for key in f:
        if key not in FIELDS:
            post.notes.append(f"{src}:{post.field_line(key)}: {_unknown_key(key)}")


def _refuse_aliases(root: yaml.Node, source: str) -> None:
    """Front matter may not reuse a node through an alias ('*name'): a few nested aliases
    stand for billions of values, and hashing the post for its approvals never ended."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise BadInput(
                f"{source}:{node.start_mark.line + 2}: front matter reuses a value through "
                "an alias ('*name').",
                hint="Write the value out; anchors and aliases (&name, *name) are not read.",
            )
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in node.value for n in pair)


def _unknown_key(key: str) -> str:
    """The note for a front-matter key no check reads (a typo would otherwise pass unseen)."""
    import difflib

    if key.lower() in _ASSET_KEYS:
        return (
            f"'{key}' is ignored at the top level: put it under 'assets:' "
            "(e.g. '- image: path.jpg' with 'alt: ...' under it)."
        )
    close = difflib.get_close_matches(key.lower().replace("-", "_"), FIELDS, n=1, cutoff=0.75)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    return f"unknown key '{key}' is ignored.{hint} Known keys: {', '.join(FIELDS)}."


def _publish_at(post: Post, value: Any, default_tz: str | None) -> datetime:
    where = f"{post.source}:{post.field_line('publish_at')}"
    hint = "Write e.g. 'publish_at: 2026-03-02 09:00 Europe/Berlin' or '2026-03-02T09:00+01:00'."
    zone: ZoneInfo | None = None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        raise BadInput(f"{where}: publish_at {value} has a date but no time.", hint=hint)
    else:
        text = str(value).strip()
        m = _ZONE_SUFFIX.match(text)
        if m:
            try:
                zone = ZoneInfo(m.group("zone"))
            except (ZoneInfoNotFoundError, ValueError):
                raise BadInput(
                    f"{where}: unknown timezone {m.group('zone')!r}.",
                    hint="Use an IANA name such as Europe/Berlin or America/New_York.",
                ) from None
            text = m.group("dt")
        try:
            iso = text.replace(" ", "T", 1) if "T" not in text else text
            dt = datetime.fromisoformat(re.sub(r"T(\d)(?=:)", r"T0\1", iso))
        except ValueError:
            raise BadInput(f"{where}: cannot read publish_at {value!r}.", hint=hint) from None
        if len(text) <= 10:
            raise BadInput(f"{where}: publish_at {value} has a date but no time.", hint=hint)
    if not 1970 <= dt.year <= 2999:
        raise BadInput(f"{where}: publish_at {value} is out of range.", hint="Check the year.")
    if zone is not None:
        if dt.tzinfo is not None:
            raise BadInput(f"{where}: publish_at has both an offset and a zone name.", hint=hint)
        return _wall_clock(post, where, dt.replace(tzinfo=zone))
    if dt.tzinfo is None:
        if default_tz is None:
            default_tz = "UTC"
        post.notes.append(
            f"{where}: publish_at has no timezone; using {default_tz} (the workspace's). "
            "Add one to be explicit."
        )
        return _wall_clock(post, where, dt.replace(tzinfo=ZoneInfo(default_tz)))
    offset = dt.utcoffset() or timedelta(0)
    return dt.astimezone(timezone(offset))


def _wall_clock(post: Post, where: str, dt: datetime) -> datetime:
    """``dt`` in a named zone, with a note when the clocks change at that time: a time
    skipped when they go forward is read an hour later, a repeated one as the first."""
    real = dt.astimezone(UTC).astimezone(dt.tzinfo)
    zone = str(dt.tzinfo)
    if real.replace(tzinfo=None) != dt.replace(tzinfo=None):
        post.notes.append(
            f"{where}: {dt:%Y-%m-%d %H:%M} does not exist in {zone} (the clocks go forward); "
            f"it is read as {real:%H:%M}. Pick another time to be sure."
        )
        return real
    if dt.replace(fold=1).utcoffset() != dt.utcoffset():
        post.notes.append(
            f"{where}: {dt:%Y-%m-%d %H:%M} happens twice in {zone} (the clocks go back); "
            f"the first ({dt.isoformat(timespec='minutes')[-6:]}) is used. Write "
            f"'{dt.replace(fold=1).isoformat(timespec='minutes')}' for the second."
        )
    return dt


def _assets(post: Post, value: Any, lines: list[int], ws: Workspace | None) -> list[Asset]:
    if value is None:
        return []
    where = f"{post.source}:{post.field_line('assets')}"
    if not isinstance(value, list):
        raise BadInput(
            f"{where}: assets must be a list.",
            hint="Write '- image: path.jpg' lines with 'alt:' under each.",
        )
    out: list[Asset] = []
    for i, item in enumerate(value):
        line = lines[i] if i < len(lines) else post.field_line("assets")
        if isinstance(item, str):
            item = {"file": item}
        if not isinstance(item, dict):
            raise BadInput(
                f"{post.source}:{line}: an asset must be a path or a mapping.",
                hint="Write '- image: path.jpg' with 'alt: ...' under it.",
            )
        kind = next((k for k in ("image", "video", "document", "file") if k in item), None)
        path = None if kind is None else item.get(kind)
        for key in item:
            if str(key).lower() not in _ASSET_KEYS:  # 'img:', 'alt_text:': read as nothing
                import difflib

                close = difflib.get_close_matches(str(key).lower(), sorted(_ASSET_KEYS), 1, 0.5)
                hint = f" Did you mean '{close[0]}'?" if close else ""
                post.notes.append(
                    f"{post.source}:{line}: unknown asset key '{key}' is ignored.{hint} "
                    f"Known keys: {', '.join(sorted(_ASSET_KEYS))}."
                )
        if kind is None:
            post.notes.append(
                f"{post.source}:{line}: an asset without 'image:', 'video:', 'document:' or "
                "'file:' is not checked (alt text, captions)."
            )
        for key, value in (
            (kind, path),
            ("alt", item.get("alt")),
            ("captions", item.get("captions")),
        ):
            if isinstance(value, (list, dict)):  # a carousel under one key was read as one
                raise BadInput(  # image named "['a.jpg', 'b.jpg']" (and its path not checked)
                    f"{post.source}:{line}: '{key}:' holds {'a list' if isinstance(value, list) else 'a mapping'}; "
                    "an asset has one file and one alt text.",
                    hint="For a carousel, write one '- image: path.jpg' entry per slide, "
                    "each with its own 'alt: ...'.",
                )
        if path is not None:
            path = str(path)
            if ws is not None:
                ws.path(path)  # raises BadInput when it leaves the workspace
            elif Path(path).is_absolute() or ".." in Path(path).parts:
                raise BadInput(
                    f"{post.source}:{line}: the asset path {path!r} points outside the folder.",
                    hint="Use a path inside the workspace folder.",
                )
        if kind in (None, "file"):
            suffix = Path(path or "").suffix.lower()
            kind = (
                "image" if suffix in _IMAGE_EXT else "video" if suffix in _VIDEO_EXT else "document"
            )
        alt = item.get("alt")
        captions = item.get("captions")
        if captions is True:
            captions = "burned-in"
        duration = item.get("duration")
        try:
            duration_s = None if duration is None else float(duration)
        except (TypeError, ValueError):
            raise BadInput(
                f"{post.source}:{line}: duration {duration!r} is not a number of seconds.",
                hint="Write e.g. 'duration: 45'.",
            ) from None
        out.append(
            Asset(
                kind=kind,
                path=path,
                alt=None if alt is None else str(alt),
                captions=None if captions in (None, False, "") else str(captions),
                duration_s=duration_s,
                line=line,
            )
        )
    return out


def _disabled(post: Post, value: Any) -> dict[str, str]:
    if value is None:
        return {}
    where = f"{post.source}:{post.field_line('lint')}"
    hint = "Write 'lint: {disable: {rule-id: \"why it does not apply\"}}'."
    if not isinstance(value, dict):
        raise BadInput(f"{where}: lint must be a mapping.", hint=hint)
    disable = value.get("disable") or {}
    if not isinstance(disable, dict):
        raise BadInput(f"{where}: lint.disable must map each rule id to a reason.", hint=hint)
    out: dict[str, str] = {}
    for rule_id, reason in disable.items():
        if not isinstance(reason, str) or not reason.strip():
            raise BadInput(
                f"{where}: turning off {rule_id!r} needs a reason, which is kept.", hint=hint
            )
        out[str(rule_id)] = reason.strip()
    return out
