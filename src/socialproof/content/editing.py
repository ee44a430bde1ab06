"""Writing posts: lint a draft as it is typed, apply the safe fixes, save it to content/.

The same rules as ``socialproof lint`` (packaged, workspace and industry packs, the
brand voice); a face (the web editor, a notebook) passes the whole post file text.
Saving refuses anything that would not load again (bad front matter, a name that
is not a plain ``*.md`` file in ``content/``) and writes atomically. An edit that
changes what approvers approved sends an approved or scheduled post back to
``in-review``: its approvals no longer count (see :mod:`socialproof.content.approvals`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from socialproof.errors import BadInput, UsageError

if TYPE_CHECKING:
    from pathlib import Path

    from socialproof.content.linter import Finding, LintResult
    from socialproof.content.posts import Post
    from socialproof.workspace import Workspace

MAX_CHARS = 100_000
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}\.md$")

NEW_POST = """---
title: {title}
platform: instagram
publish_at: {when} {tz}
author: {author}
status: draft
---
Write the post here.
"""


@dataclass(frozen=True)
class Span:
    """A piece of the draft's text, marked when a finding points at it."""

    text: str
    severity: str | None = None
    finding: int | None = None  # index into the findings list


@dataclass
class Draft:
    """A linted draft: the parsed post, its findings and the text cut into spans."""

    raw: str
    result: LintResult
    spans: list[Span]
    fixable: int

    @property
    def findings(self) -> list[Finding]:
        return self.result.findings

    @property
    def errors(self) -> int:
        return len(self.result.errors)


def _normalise(raw: str) -> str:
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    if len(raw) > MAX_CHARS:
        raise BadInput(
            f"The post has {len(raw):,} characters; socialproof takes up to {MAX_CHARS:,}.",
            hint="Shorten it.",
        )
    return raw


def lint_draft(ws: Workspace, raw: str, *, name: str = "draft.md") -> Draft:
    """Lint the text of a post file (front matter and body) without saving it."""
    from socialproof.content.fix import fixed_text
    from socialproof.content.linter import lint_post
    from socialproof.content.posts import parse_post, platforms
    from socialproof.content.rules import load_rules

    raw = _normalise(raw)
    post = parse_post(raw, source=name, ws=ws, default_tz=ws.settings.timezone)
    if post.platform is None:
        raise BadInput(
            f"{name}:1: the post has no platform.",
            hint=f"Add 'platform: NAME' to its front matter ({', '.join(sorted(platforms()))}).",
        )
    folder = ws.root / "lint"
    rules = load_rules(sorted(folder.glob("*.yaml")) if folder.is_dir() else [])
    result = lint_post(post, rules, industry=ws.settings.industry, voice=ws.settings.voice)
    _, fixable = fixed_text(result)
    return Draft(raw=raw, result=result, spans=_spans(raw, result.findings), fixable=fixable)


def fix_draft(ws: Workspace, raw: str, *, name: str = "draft.md") -> tuple[str, int]:
    """The draft with every safe fix applied (``lint --fix``) and how many were applied."""
    from socialproof.content.fix import fixed_text

    draft = lint_draft(ws, raw, name=name)
    body, count = fixed_text(draft.result)
    return draft.result.post.head + body, count


def _offsets(raw: str) -> list[int]:
    starts = [0]
    starts.extend(m.end() for m in re.finditer("\n", raw))
    return starts


def _spans(raw: str, findings: list[Finding]) -> list[Span]:
    """Cut the file text at the findings' ranges; overlapping ranges keep the first."""
    starts = _offsets(raw)

    def at(line: int, column: int) -> int:
        if line < 1 or line > len(starts):
            return len(raw)
        return min(len(raw), starts[line - 1] + max(column - 1, 0))

    marks: list[tuple[int, int, int]] = []
    for i, f in enumerate(findings):
        if f.waived is not None:
            continue
        a, b = at(f.line, f.column), at(f.end_line, f.end_column)
        if b <= a:  # a whole-line finding (front matter): mark the line
            b = starts[f.line] - 1 if f.line < len(starts) else len(raw)
        if b > a and not any(a < y and x < b for x, y, _ in marks):
            marks.append((a, b, i))
    marks.sort()
    out: list[Span] = []
    pos = 0
    for a, b, i in marks:
        if a > pos:
            out.append(Span(raw[pos:a]))
        out.append(Span(raw[a:b], findings[i].severity, i))
        pos = b
    if pos < len(raw):
        out.append(Span(raw[pos:]))
    return out


def check_name(name: str) -> str:
    """A post file name: letters, digits, '.', '-', '_', ending in .md; no folders."""
    name = (name or "").strip()
    if not _NAME.match(name) or ".." in name:
        raise UsageError(
            f"{name!r} is not a post file name.",
            hint="Use letters, digits and dashes, ending in .md, e.g. 2026-12-14-gift-cards.md.",
        )
    return name


def post_path(ws: Workspace, name: str) -> Path:
    """The path of a post in content/, checked to stay there."""
    path = ws.path(f"content/{check_name(name)}")
    if path.parent != (ws.root / "content").resolve():
        raise BadInput(f"{name} is not in content/.", hint="Pick a post from content/.")
    return path


def read_post(ws: Workspace, name: str) -> str:
    from socialproof.errors import NotFound

    path = post_path(ws, name)
    if not path.is_file():
        raise NotFound(f"There is no post content/{name}.", hint="Pick one from the list.")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise BadInput(f"content/{name} is not UTF-8 text.", hint="Save it as UTF-8.") from None


def save_post(ws: Workspace, name: str, raw: str, *, new: bool = False) -> Post:
    """Write a post file after checking it loads; returns the saved post.

    ``new`` refuses to replace an existing file. When the edit changes the content
    hash of an approved or scheduled post, its status goes back to ``in-review``.
    """
    from socialproof.content.approvals import set_status
    from socialproof.content.posts import load_post, parse_post, replace_text

    raw = _normalise(raw)
    path = post_path(ws, name)
    if new and path.exists():
        raise BadInput(f"content/{name} already exists.", hint="Choose another name.")
    before = None
    if path.is_file():
        try:
            before = load_post(path, ws=ws).content_hash
        except BadInput:
            before = None
    parse_post(raw, source=f"content/{name}", ws=ws, default_tz=ws.settings.timezone)  # loads?
    try:
        replace_text(path, raw)
    except OSError as exc:
        raise BadInput(
            f"Cannot write content/{name}: {exc.strerror or exc}.",
            hint="Check the folder's permissions.",
        ) from None
    post = load_post(path, ws=ws)
    if (
        before is not None
        and post.content_hash != before
        and post.status
        in (
            "approved",
            "scheduled",
        )
    ):
        set_status(post, "in-review")
    return post


def new_post_text(ws: Workspace, *, title: str = "New post", when: str = "") -> str:
    """A starting point for a new post file (front matter with the usual fields)."""
    from datetime import datetime, timedelta

    start = when or (datetime.now(ws.settings.tz) + timedelta(days=7)).strftime("%Y-%m-%d 09:00")
    import json

    return NEW_POST.format(
        title=json.dumps(title, ensure_ascii=False),
        when=start,
        tz=ws.settings.tz.key,
        author=json.dumps(ws.settings.owner or "Your name", ensure_ascii=False),
    )


def load_all(ws: Workspace) -> tuple[list[Post], list[str]]:
    """Every post in content/ that loads, and one line for each that does not."""
    from socialproof.content.posts import content_files, load_post
    from socialproof.errors import SocialproofError

    posts: list[Post] = []
    problems: list[str] = []
    for path in content_files(ws):
        try:
            posts.append(load_post(ws.root / "content" / path.name, ws=ws))
        except SocialproofError as exc:
            problems.append(str(exc))
    return posts, problems
