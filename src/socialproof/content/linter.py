"""The post linter: run every applicable rule over a post and report precise spans.

Each finding carries the rule id, severity, a message that says how to fix it, the
file line and column where it starts and ends, and whether ``--fix`` can repair
it. Rules turned off in a post's front matter still appear, marked as waived with
the reason the author gave, so the decision is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from socialproof.content.rules import CHECKS, Rule
from socialproof.errors import SocialproofError

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from socialproof.content.posts import Post
    from socialproof.workspace import Workspace
    from socialproof.workspace.settings import Voice


def _mark_class() -> str:
    """The combining marks of the scripts people write hashtags in (Devanagari vowel signs
    and viramas, Thai tone marks, Arabic vowels, accents typed apart), as a character class
    body: Python's \\w has no marks, so '#नमस्ते' was cut to '#नमस'."""
    import unicodedata

    out: list[str] = []
    for lo, hi in ((0x0300, 0x1E00), (0x20D0, 0x2100), (0xFE00, 0xFE30)):
        start = None
        for cp in range(lo, hi + 1):
            mark = cp < hi and unicodedata.category(chr(cp))[0] == "M"
            if mark and start is None:
                start = cp
            elif not mark and start is not None:
                out.append(chr(start) if start == cp - 1 else f"{chr(start)}-{chr(cp - 1)}")
                start = None
    return "".join(out)


_TAG_CHAR = rf"(?:\w|[{_mark_class()}])"
HASHTAG = re.compile(rf"(?<![\w&#/])#({_TAG_CHAR}*[^\W\d_]{_TAG_CHAR}*)")
MENTION = re.compile(r"(?<![\w@.])@([A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?)")
# 'HTTPS://EXAMPLE.COM/...' (as typed on a phone with caps lock, or pasted) is a link too:
# X counted it in full and it read as shouting
LINK = re.compile(r"\b(?:https?://|www\.)[^\s<>()\[\]]+[^\s<>()\[\].,;:!?'\"]", re.IGNORECASE)
_EMOJI_BASE = (
    "(?:[\U0001f300-\U0001faff\u2600-\u27bf\u2b50\u2b55\u2934\u2935\u3030\u303d\u3297\u3299]"
    "[\ufe0f\U0001f3fb-\U0001f3ff]?|[^\\s\ufe0f\u200d]\ufe0f)"  # or any symbol asked as emoji
)
EMOJI = re.compile(
    "(?:[\U0001f1e6-\U0001f1ff]{2})"  # flags
    "|[0-9#*]\ufe0f?\u20e3"  # keycaps: 1️⃣ #️⃣
    f"|(?:{_EMOJI_BASE}[\U000e0020-\U000e007f]*(?:\u200d{_EMOJI_BASE}?)*)"  # ZWJ, tag flags
)
RANK = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Edit:
    """Replace ``text[start:end]`` of the post body with ``replacement``."""

    start: int
    end: int
    replacement: str


@dataclass
class Hit:
    """What a check found: a span of the body (or a front-matter line) and message values."""

    start: int = 0
    end: int = 0
    values: dict[str, Any] = field(default_factory=dict)
    edits: list[Edit] | None = None
    line: int | None = None  # a front-matter line instead of a body span


@dataclass
class Finding:
    rule_id: str
    severity: str
    message: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    pack: str
    rule_source: str
    fixable: bool = False
    waived: str | None = None  # the reason, when the post turned this rule off
    edits: list[Edit] | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "severity": self.severity,
            "rule": self.rule_id,
            "message": self.message,
            "fixable": self.fixable,
            "waived": self.waived,
            "pack": self.pack,
            "rule_source": self.rule_source,
        }


@dataclass
class LintResult:
    post: Post
    findings: list[Finding]

    @property
    def active(self) -> list[Finding]:
        return [f for f in self.findings if f.waived is None]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.active if f.severity == "error"]


class LintContext:
    """A post plus what checks share: platform facts, industry, voice and cached spans."""

    def __init__(self, post: Post, *, industry: str | None, voice: Voice | None) -> None:
        from socialproof.content.posts import platforms

        self.post = post
        self.text = post.text
        self.industry = industry
        self.voice = voice
        self.platform = post.platform
        self.spec: dict[str, Any] = platforms().get(post.platform or "", {})

    def limit(self, name: str) -> dict[str, Any] | None:
        fact = (self.spec.get("limits") or {}).get(name)
        if not isinstance(fact, dict) or fact.get("value") is None:
            return None
        return fact

    @cached_property
    def hashtags(self) -> list[re.Match[str]]:
        return list(HASHTAG.finditer(self.text))

    @cached_property
    def mentions(self) -> list[re.Match[str]]:
        return list(MENTION.finditer(self.text))

    @cached_property
    def links(self) -> list[re.Match[str]]:
        return list(LINK.finditer(self.text))

    @cached_property
    def emoji(self) -> list[re.Match[str]]:
        return list(EMOJI.finditer(self.text))

    @cached_property
    def hashtag_runs(self) -> list[tuple[int, int, int]]:
        """(start, end, count) of runs of 3+ hashtags separated only by spaces."""
        runs: list[tuple[int, int, int]] = []
        tags = self.hashtags
        i = 0
        while i < len(tags):
            j = i
            while j + 1 < len(tags) and not self.text[tags[j].end() : tags[j + 1].start()].strip():
                j += 1
            if j - i + 1 >= 3:
                runs.append((tags[i].start(), tags[j].end(), j - i + 1))
            i = j + 1
        return runs


def lint_post(
    post: Post,
    rules: Iterable[Rule],
    *,
    industry: str | None = None,
    voice: Voice | None = None,
) -> LintResult:
    """Every finding of every applicable rule, sorted by position."""
    industry = post.industry or industry
    ctx = LintContext(post, industry=industry, voice=voice)
    findings: list[Finding] = []
    for rule in rules:
        if not rule.applies(post.platform, industry):
            continue
        for hit in CHECKS[rule.check](rule, ctx):
            findings.append(_finding(rule, hit, post))
    findings.sort(key=lambda f: (f.line, f.column, RANK[f.severity], f.rule_id))
    return LintResult(post, findings)


def lint_posts(
    posts: Iterable[Post],
    rules: list[Rule],
    *,
    industry: str | None = None,
    voice: Voice | None = None,
) -> list[LintResult]:
    return [lint_post(p, rules, industry=industry, voice=voice) for p in posts]


def exit_code(results: Iterable[LintResult]) -> int:
    """0 when no finding at error level is left (waived ones do not count), else 1."""
    return 1 if any(r.errors for r in results) else 0


def _finding(rule: Rule, hit: Hit, post: Post) -> Finding:
    if hit.line is not None:
        line, col, end_line, end_col = hit.line, 1, hit.line, 1
    else:
        line, col = post.position(hit.start)
        end_line, end_col = post.position(max(hit.start, hit.end))
    values = {"platform": (post.platform or ""), **hit.values}
    return Finding(
        rule_id=rule.id,
        severity=rule.severity,
        message=rule.format(**values),
        path=post.source,
        line=line,
        column=col,
        end_line=end_line,
        end_column=end_col,
        pack=rule.pack,
        rule_source=rule.source,
        fixable=bool(rule.fixable and hit.edits),
        waived=post.disabled.get(rule.id),
        edits=hit.edits if rule.fixable else None,
    )


def format_text(results: Iterable[LintResult], *, show_waived: bool = True) -> list[str]:
    """``path:line:col: severity rule-id message`` lines plus a summary line."""
    out: list[str] = []
    counts = {"error": 0, "warning": 0, "info": 0}
    waived = fixable = 0
    for res in results:
        for note in res.post.notes:
            out.append(f"note: {note}")
        for f in res.findings:
            if f.waived is not None:
                waived += 1
                if show_waived:
                    out.append(
                        f"{f.path}:{f.line}:{f.column}: waived {f.rule_id} (reason: {f.waived})"
                    )
                continue
            counts[f.severity] += 1
            fixable += f.fixable
            tag = " [fixable]" if f.fixable else ""
            out.append(f"{f.path}:{f.line}:{f.column}: {f.severity} {f.rule_id} {f.message}{tag}")
    summary = f"{counts['error']} errors, {counts['warning']} warnings, {counts['info']} notes"
    if fixable:
        summary += f", {fixable} fixable with --fix"
    if waived:
        summary += f", {waived} waived"
    out.append(summary + ".")
    return out


def to_json(results: Iterable[LintResult]) -> list[dict[str, Any]]:
    return [f.to_dict() for r in results for f in r.findings]


def lint_targets(
    paths: list[Path],
    *,
    text: str | None = None,
    platform: str | None = None,
    industry: str | None = None,
    ws: Workspace | None = None,
    extra_rules: Iterable[Path] = (),
) -> tuple[list[LintResult], list[Rule]]:
    """Lint files (or one text) with the packaged, workspace and extra rule packs."""
    from socialproof.content.posts import content_files, load_post, parse_post, resolve_platform
    from socialproof.content.rules import load_rules
    from socialproof.errors import BadInput, UsageError

    if text is not None and paths:
        raise UsageError("Pass either files or --text, not both.", hint="Lint one at a time.")
    packs = list(extra_rules)
    if ws is not None and (ws.root / "lint").is_dir():
        packs = sorted((ws.root / "lint").glob("*.yaml")) + packs
    rules = load_rules(packs)
    default_platform = resolve_platform(platform, where="--platform") if platform else None
    unreadable: list[LintResult] = []
    if text is not None:
        tz = ws.settings.timezone if ws is not None else None
        posts = [parse_post(text, source="<text>", ws=ws, default_tz=tz)]
    else:
        if not paths:
            if ws is None:
                raise UsageError(
                    "Nothing to lint.", hint="Pass post files, --text '...', or run in a workspace."
                )
            paths = content_files(ws)
            if not paths:
                raise UsageError(
                    f"No posts in {ws.root / 'content'}.",
                    hint="Write content/*.md files (front matter + text), or pass --text.",
                )
        if len(paths) == 1:
            posts = [load_post(paths[0], ws=ws)]
        else:  # one unreadable file among many is an error of its own, not the end of lint
            posts = []
            for path in paths:
                try:
                    posts.append(load_post(path, ws=ws))
                except SocialproofError as exc:
                    unreadable.append(_unreadable(path, exc))
    if text is not None and default_platform is None and posts[0].platform is None:
        raise UsageError("--text needs --platform.", hint="Add e.g. --platform instagram.")
    for post in list(posts):
        if post.platform is None:
            post.platform = default_platform
        if post.platform is None:
            from socialproof.content.posts import platforms

            error = BadInput(
                f"{post.source}:1: the post has no platform.",
                hint="Add 'platform: NAME' to its front matter or pass --platform NAME "
                f"(known: {', '.join(sorted(platforms()))}).",
            )
            if len(posts) + len(unreadable) == 1:
                raise error
            posts.remove(post)
            unreadable.append(_unreadable(post.source, error))
    if industry is None and ws is not None:
        industry = ws.settings.industry
    if industry is not None:
        from socialproof.workspace.settings import INDUSTRIES

        industry = industry.strip().lower()
        if industry not in INDUSTRIES:
            raise UsageError(
                f"Unknown industry {industry!r}.", hint=f"Use one of: {', '.join(INDUSTRIES)}."
            )
    voice = ws.settings.voice if ws is not None else None
    return [*unreadable, *lint_posts(posts, rules, industry=industry, voice=voice)], rules


UNREADABLE = "post.unreadable"


def _unreadable(path: Path | str, exc: SocialproofError) -> LintResult:
    """An error finding for a post file that cannot be linted (it does not load, or names
    no platform), at the line its error names."""
    from socialproof.content.posts import Post

    message = str(exc)
    source = str(path)
    line = 1
    if message.startswith(source + ":"):
        rest = message[len(source) + 1 :]
        number, _, after = rest.partition(":")
        if number.isdigit():
            line, message = int(number), after.strip()
        else:
            message = rest.strip()
    finding = Finding(
        UNREADABLE, "error", message, source, line, 1, line, 1, "posts", "socialproof"
    )
    return LintResult(Post(source=source, text="", path=None), [finding])


def rule_table(
    ws: Workspace | None = None, extra_rules: Iterable[Path] = ()
) -> list[dict[str, Any]]:
    """Every rule in force (packaged, plugin, workspace and extra packs), for people."""
    from socialproof.content.rules import load_rules

    packs = list(extra_rules)
    if ws is not None and (ws.root / "lint").is_dir():
        packs = sorted((ws.root / "lint").glob("*.yaml")) + packs
    return [
        {
            "rule": r.id,
            "severity": r.severity,
            "pack": r.pack,
            "platforms": ", ".join(r.platforms) or "all",
            "industries": ", ".join(r.industries) or "all",
            "fixable": r.fixable,
            "source": r.source,
        }
        for r in load_rules(packs)
    ]
