"""Documented approvals: tiers per industry, an append-only hash-chained log, a scheduling gate.

The log is ``approvals.jsonl`` in the workspace: one JSON object a line, each with its
sequence number ``n``, the hash of the entry before it (``prev``) and its own
``hash`` (sha256 over the entry's canonical JSON without ``hash``). Editing,
deleting or reordering any line breaks the chain at that entry, and
``approvals.head`` (count and last hash) catches a cut-off tail. A JSON Lines file
rather than a DuckDB table because people keep workspaces in git: the log diffs
line by line, reviews like any other file and survives a rebuilt database.
Anyone who can write the folder can rewrite the whole chain, so keep the head
hash that ``approvals verify`` prints somewhere else too (a commit, a ticket).
The log's reading, verifying and appending live in
:mod:`socialproof.content.approval_log`.

Rules: tiers come from ``[approvals] tiers`` in the settings; by default one
``review`` tier, and regulated industries (finance, health, legal) always have a
tier with a ``compliance`` or ``legal`` role (added when the settings lack one). No one approves their own post (``author:`` in the front
matter, each name of 'Sam, Lee'), and one person counts for one tier only. An approval counts only while
the post's content hash is unchanged.
A rejection by anyone blocks until the same person approves a later version.
A post becomes ``scheduled`` only when every tier approved and no lint error
is left (errors waived in front matter, with their reasons, do not block).
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from socialproof.content.approval_log import (
    GENESIS,
    HEAD_FILE,
    LOG_FILE,
    commit,
    commit_request,
    read_log,
    verify_log,
)
from socialproof.errors import BadInput, UsageError

if TYPE_CHECKING:
    from pathlib import Path

    from socialproof.content.posts import Post
    from socialproof.workspace import Workspace
    from socialproof.workspace.settings import ApprovalTier

DECISIONS = ("approve", "reject", "schedule")
DEFAULT_REVIEW_ROLES = ["reviewer", "editor", "manager", "lead"]
DEFAULT_COMPLIANCE_ROLES = ["compliance", "legal"]

__all__ = [  # the log's reading and verifying are part of this module's face (approval_log)
    "DECISIONS",
    "GENESIS",
    "HEAD_FILE",
    "LOG_FILE",
    "PostApproval",
    "TierState",
    "approval_state",
    "approve",
    "clearance",
    "log_rows",
    "read_log",
    "schedule",
    "set_status",
    "shown_status",
    "tiers_for",
    "verify_log",
]


@dataclass
class TierState:
    name: str
    roles: list[str]
    mode: str
    approved_by: list[str] = field(default_factory=list)
    missing_roles: list[str] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return not self.missing_roles


@dataclass
class PostApproval:
    """Where one post stands: each tier, rejections, stale approvals, lint errors."""

    post: str
    status: str
    content_hash: str
    tiers: list[TierState]
    rejections: list[dict[str, Any]] = field(default_factory=list)
    stale: int = 0
    lint_errors: list[str] = field(default_factory=list)
    waived: dict[str, str] = field(default_factory=dict)

    @property
    def approved(self) -> bool:
        return all(t.done for t in self.tiers) and not self.rejections

    @property
    def problems(self) -> list[str]:
        out: list[str] = []
        for r in self.rejections:
            out.append(
                f"rejected by {r['approver']} ({r['role']}): {r.get('reason') or 'no reason'}"
            )
        for t in self.tiers:
            if not t.done:
                who = ", ".join(t.missing_roles)
                out.append(f"needs approval at tier '{t.name}' ({t.mode} of: {who})")
        if self.lint_errors:
            out.append(
                f"{len(self.lint_errors)} lint errors: {', '.join(sorted(set(self.lint_errors)))}"
            )
        return out

    @property
    def shown_status(self) -> str:
        """The status as a person should read it: the file's, unless it says approved or
        scheduled while the approvals are for an older version (the post was edited since;
        the file's ``status:`` line is not rewritten by a hand edit)."""
        return shown_status(self.status, self)

    @property
    def summary(self) -> str:
        """A short verdict for calendars: 'ready' or what blocks, e.g. 'needs compliance, 2 lint errors'."""
        parts: list[str] = []
        if self.rejections:
            parts.append("rejected")
        open_tiers = [t.name for t in self.tiers if not t.done]
        if open_tiers:
            parts.append("needs " + " + ".join(open_tiers))
        if self.lint_errors:
            n = len(self.lint_errors)
            parts.append(f"{n} lint error{'s' if n != 1 else ''}")
        return ", ".join(parts) or "ready"

    def to_row(self) -> dict[str, Any]:
        return {
            "post": self.post,
            "status": self.shown_status,
            "tiers": "; ".join(
                f"{t.name}: {'done (' + ', '.join(t.approved_by) + ')' if t.done else 'open'}"
                for t in self.tiers
            ),
            "lint_errors": len(self.lint_errors),
            "waived": len(self.waived),
            "stale_approvals": self.stale,
            "ready_to_schedule": not self.problems,
            "blocking": "; ".join(self.problems),
        }


def shown_status(status: str, state: PostApproval | None) -> str:
    """``status`` (a post file's) as a person should read it, given its approval ``state``:
    'approved' or 'scheduled' on a post edited after its approvals says it needs
    re-approval (it read 'approved' while the approvals no longer counted), and one the
    log does not clear says what it lacks: 'status: approved' written by hand, with no
    approval on record, read 'approved' everywhere."""
    if state is None or status not in ("approved", "scheduled") or state.approved:
        return status
    if state.stale:
        need, why = "needs re-approval", "edited since approved"
    elif state.rejections:
        need, why = "rejected", ""
    elif any(t.approved_by for t in state.tiers):
        need = "needs approval"
        why = ", ".join(f"tier '{t.name}' open" for t in state.tiers if not t.done)
    else:  # 'status: approved' typed by hand or shipped so: the log holds no approval
        need, why = "needs approval", "no approval on record"
    if status == "scheduled":
        return f"scheduled, {need}" + (f" ({why})" if why else "")
    if state.stale:
        return f"{need} ({why})"
    return f"{need} (marked approved" + (f", {why})" if why else ")")


# -- tiers -------------------------------------------------------------------


def tiers_for(ws: Workspace, industry: str | None = None) -> list[ApprovalTier]:
    """The approval tiers for a post of this industry (settings, else the defaults)."""
    from socialproof.workspace.settings import REGULATED_INDUSTRIES, ApprovalTier

    regulated = (industry or ws.settings.industry) in REGULATED_INDUSTRIES
    compliance = ApprovalTier(name="compliance", roles=DEFAULT_COMPLIANCE_ROLES, mode="any")
    if ws.settings.approvals.tiers:
        tiers = list(ws.settings.approvals.tiers)
        has_compliance = any(set(t.roles) & set(DEFAULT_COMPLIANCE_ROLES) for t in tiers)
        if regulated and not has_compliance:  # the floor for regulated industries
            tiers.append(compliance)
        return tiers
    tiers = [ApprovalTier(name="review", roles=DEFAULT_REVIEW_ROLES, mode="any")]
    if regulated:
        tiers.append(compliance)
    return tiers


def _norm(name: str) -> str:
    """A person's name as compared: one person is one name however it was typed.

    NFKC folds compatibility forms (fullwidth 'Ａnna', mathematical letters) and
    :data:`_CONFUSABLES` maps Cyrillic and Greek letters that look Latin to the Latin
    letter, so 'Аnna' with a Cyrillic 'А' is Anna (it counted as a second person for
    the two-person rule, or approved Anna's own post)."""
    import unicodedata

    text = unicodedata.normalize("NFKC", _clean_name(name))
    return text.translate(_CONFUSABLES).casefold()


#: Cyrillic and Greek letters drawn like a Latin one (after Unicode's confusables.txt),
#: mapped to that Latin letter when names are compared.
_CONFUSABLES = str.maketrans(
    {
        **dict(zip("АВЕЅІЈКМНОРСТХУ", "ABESIJKMHOPCTXY", strict=True)),  # Cyrillic capitals
        **dict(zip("аеѕіјорсхуԁһӏԛԝ", "aesijopcxydhlqw", strict=True)),  # Cyrillic small
        **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX", strict=True)),  # Greek capitals
        **dict(zip("οιν", "oiv", strict=True)),  # Greek small
        "ı": "i",  # Latin dotless i
    }
)

_LOOKALIKE_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")


def _check_name(name: str) -> None:
    """Refuse a name with a word mixing Latin, Cyrillic or Greek letters ('Аnna' with a
    Cyrillic 'А'): no one writes their name so, and the log would show a look-alike."""
    import unicodedata

    for word in re.split(r"[\s\-\u2010\u2011.'\u2019]+", name):  # each part of a name
        scripts: dict[str, str] = {}
        for ch in word:
            script = unicodedata.name(ch, "").split(" ", 1)[0]
            if script in _LOOKALIKE_SCRIPTS:
                scripts.setdefault(script, ch)
        if len(scripts) > 1:
            main = "LATIN" if "LATIN" in scripts else next(iter(scripts))
            odd = [
                f"'{ch}' is {script.title()} (U+{ord(ch):04X})"
                for script, ch in scripts.items()
                if script != main
            ]
            raise BadInput(
                f"The name {name!r} mixes {main.title()} letters with "
                f"{' and '.join(s.title() for s in scripts if s != main)} ones in one word: "
                f"{', '.join(odd)}.",
                hint="Type the name again in one alphabet (a copied name can hold look-alikes).",
            )


def _authors(author: str) -> list[str]:
    """The people an ``author:`` line names: 'Sam, Lee', 'Sam & Lee', 'Sam and Lee' are
    two (Sam approved a post 'Sam, Lee' wrote, as if it were someone else's)."""
    parts = re.split(r"\s*(?:[,;&/+]|\band\b)\s*", author, flags=re.IGNORECASE)
    return [author, *(p for p in parts if p.strip())]


def _clean_name(name: str) -> str:
    """The name without invisible characters (zero-width spaces and joiners, soft hyphens,
    direction marks), in NFC, spaces collapsed: 'Dana' and 'Dana' + U+200B, or 'José'
    composed and decomposed, are one person (they counted as two, so one person could
    approve twice or approve their own post)."""
    import unicodedata

    text = unicodedata.normalize("NFC", name or "")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(text.split())


# -- state -------------------------------------------------------------------


def _rel(ws: Workspace, post: Post) -> str:
    """The post's path relative to the workspace (BadInput when it lies outside)."""
    assert post.path is not None
    path = post.path.resolve()
    root = _resolved(str(ws.root))
    if root not in path.parents:
        ws.path(path)  # raises BadInput, saying the path leaves the workspace
    return path.relative_to(root).as_posix()


@lru_cache(maxsize=64)
def _resolved(root: str) -> Path:
    """A workspace root, resolved once per process (pages ask for it for every post)."""
    from pathlib import Path

    return Path(root).resolve()


def _load(ws: Workspace, path: Path) -> Post:
    from socialproof.content.posts import load_post

    resolved = path.resolve()
    if _resolved(str(ws.root)) not in resolved.parents:
        ws.path(resolved)  # the post must live in the workspace: BadInput when it does not
    return load_post(path, ws=ws)


def approval_state(
    ws: Workspace, post: Post, entries: list[dict[str, Any]] | None = None
) -> PostApproval:
    """Where a post stands against its tiers, from the (verified) log and a fresh lint."""
    entries = read_log(ws) if entries is None else entries
    rel = _rel(ws, post)
    return _state(ws, post, rel, [e for e in entries if e.get("post") == rel], _Shared(ws))


class _Shared:
    """What every post's state on one page reads alike: rules, voice, tiers per industry."""

    def __init__(self, ws: Workspace) -> None:
        from socialproof.content.rules import load_rules

        self.rules_key, self.rules = _ws_rules(ws, load_rules)
        self.voice = ws.settings.voice
        self.voice_key = self.voice.model_dump_json()
        self._tiers: dict[str | None, list[ApprovalTier]] = {}

    def tiers(self, ws: Workspace, industry: str | None) -> list[ApprovalTier]:
        if industry not in self._tiers:
            self._tiers[industry] = tiers_for(ws, industry)
        return self._tiers[industry]


def _state(
    ws: Workspace, post: Post, rel: str, entries: list[dict[str, Any]], shared: _Shared
) -> PostApproval:
    """``approval_state`` from the log entries about this post (``rel``) alone."""
    current = post.content_hash
    industry = post.industry or ws.settings.industry
    latest: dict[str, dict[str, Any]] = {}
    stale = 0
    for e in entries:
        if e.get("decision") not in ("approve", "reject"):
            continue
        if e.get("content_hash") != current:
            stale += 1
            continue
        latest[_norm(str(e["approver"]))] = e  # a person's latest word on this version
    tiers: list[TierState] = []
    for tier in shared.tiers(ws, industry):
        state = TierState(tier.name, list(tier.roles), tier.mode)
        approvals = [
            e
            for e in latest.values()
            if e["decision"] == "approve" and e.get("tier") == tier.name and e["role"] in tier.roles
        ]
        state.approved_by = sorted({f"{e['approver']} ({e['role']})" for e in approvals})
        roles_done = {str(e["role"]) for e in approvals}
        if tier.mode == "all":
            state.missing_roles = [r for r in tier.roles if r not in roles_done]
        elif not roles_done:
            state.missing_roles = list(tier.roles)
        tiers.append(state)
    rejections = [e for e in latest.values() if e["decision"] == "reject"]
    errors, waived = _verdict(post, industry, shared)
    return PostApproval(
        post=rel,
        status=post.status,
        content_hash=current,
        tiers=tiers,
        rejections=rejections,
        stale=stale,
        lint_errors=errors,
        waived=waived,
    )


def _verdict(post: Post, industry: str | None, shared: _Shared) -> tuple[list[str], dict[str, str]]:
    """The post's blocking lint errors and its waived findings (kept by what lint reads)."""
    from socialproof.content.linter import lint_post

    if post.platform is None:
        return ["post.no-platform"], {}
    key = (post.head, post.text, industry, shared.rules_key, shared.voice_key)
    with _LINTED_LOCK:
        known = _LINTED.get(key)
    if known is None:
        res = lint_post(post, shared.rules, industry=industry, voice=shared.voice)
        known = (
            tuple(f.rule_id for f in res.errors),
            tuple((f.rule_id, f.waived) for f in res.findings if f.waived is not None),
        )
        with _LINTED_LOCK:
            if len(_LINTED) >= 512:
                _LINTED.clear()
            _LINTED[key] = known
    return list(known[0]), dict(known[1])


#: Lint verdicts by what they depend on: the post's file text, the industry, the rules
#: (by their files' contents) and the brand voice. Lint is a pure function of these.
_LINTED: dict[tuple[str, str, str | None, tuple[Any, ...], str], tuple[Any, Any]] = {}
_LINTED_LOCK = threading.Lock()
_RULES: dict[tuple[Any, ...], Any] = {}


def _ws_rules(ws: Workspace, load_rules: Any) -> tuple[tuple[Any, ...], Any]:
    """(key, rules): the packaged rules and the workspace's ``lint/*.yaml`` packs, loaded
    again only when a pack file changes (the key names each file's path and sha256)."""
    folder = ws.root / "lint"
    packs = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    stats = []
    for p in packs:
        try:
            digest = hashlib.sha256(p.read_bytes()).hexdigest()
        except OSError:
            continue
        stats.append((str(p), digest))
    key = tuple(stats)
    with _LINTED_LOCK:
        rules = _RULES.get(key)
    if rules is None:
        rules = load_rules(packs)
        with _LINTED_LOCK:
            if len(_RULES) >= 16:
                _RULES.clear()
            _RULES[key] = rules
    return key, rules


def approve(
    ws: Workspace,
    path: Path,
    *,
    approver: str,
    role: str,
    reject: bool = False,
    reason: str | None = None,
) -> tuple[dict[str, Any], PostApproval]:
    """Record an approval (or rejection) of a post's current version; returns entry and state."""
    approver = _clean_name(approver)
    if not approver:
        raise UsageError("Say who approves with --as NAME.", hint="e.g. --as 'Dana Kim'.")
    _check_name(approver)
    if reject and not (reason or "").strip():
        raise UsageError(
            "A rejection needs --reason.",
            hint="Say what must change, e.g. --reason 'Add the risk statement'.",
        )
    post = _load(ws, path)
    industry = post.industry or ws.settings.industry
    tiers = tiers_for(ws, industry)
    roles = sorted({r for t in tiers for r in t.roles})
    if role not in roles:
        raise BadInput(
            f"Unknown role {role!r} for this post.",
            hint=f"Roles that may approve it: {', '.join(roles)} (set them in [approvals] tiers).",
        )
    if not post.author:
        raise BadInput(
            f"{post.source}: the post has no author, so self-approval cannot be ruled out.",
            hint="Add 'author: NAME' to its front matter.",
        )
    if _norm(approver) in {_norm(a) for a in _authors(post.author)}:
        raise BadInput(
            f"{approver} wrote {post.source} and cannot approve it (no self-approval).",
            hint="Ask another reviewer.",
        )
    rel = _rel(ws, post)
    shared = _Shared(ws)  # rules, voice, tiers and the lint verdict before the log's lock,
    _verdict(post, industry, shared)  # not under it (the decision reads them from there)
    done = commit_request(  # decided and appended as one step, under the log's lock
        ws,
        lambda entries: _decide(
            ws,
            post,
            tiers,
            entries,
            shared,
            approver=approver,
            role=role,
            reject=reject,
            reason=reason,
        ),
    )
    assert done.entry is not None
    entry = done.entry
    # the state right after this entry, from the log the commit saw (no second read, which
    # waited for the lock again behind the next batch)
    state = _state(ws, post, rel, [e for e in done.log if e.get("post") == rel], shared)
    if not reject and state.approved and post.status in ("draft", "in-review"):
        set_status(post, "approved")
        state.status = "approved"
    elif reject and post.status in ("approved", "scheduled"):
        set_status(post, "in-review")
        state.status = "in-review"
    return entry, state


def _decide(
    ws: Workspace,
    post: Post,
    tiers: list[ApprovalTier],
    entries: list[dict[str, Any]],
    shared: _Shared,
    *,
    approver: str,
    role: str,
    reject: bool,
    reason: str | None,
) -> dict[str, Any]:
    """The record of this approval given the log so far (BadInput when it may not be)."""
    rel = _rel(ws, post)
    before = _state(ws, post, rel, [e for e in entries if e.get("post") == rel], shared)
    mine = [
        e
        for e in entries
        if e.get("post") == before.post
        and e.get("content_hash") == before.content_hash
        and e.get("decision") == "approve"
        and _norm(str(e.get("approver"))) == _norm(approver)
    ]
    done = {t.name for t in before.tiers if t.done}
    candidates = [t.name for t in tiers if role in t.roles]
    tier = next((name for name in candidates if name not in done), candidates[0])
    if not reject and any(e.get("tier") != tier for e in mine):
        raise BadInput(
            f"{approver} already approved this version at tier '{mine[-1].get('tier')}'; "
            f"tier '{tier}' needs another person.",
            hint="Each tier is a separate pair of eyes.",
        )
    return {
        "post": _rel(ws, post),
        "content_hash": post.content_hash,
        "decision": "reject" if reject else "approve",
        "approver": approver,
        "role": role,
        "tier": tier,
        "reason": (reason or "").strip() or None,
    }


def schedule(ws: Workspace, path: Path, *, by: str) -> PostApproval:
    """Mark a post scheduled when nothing blocks it; else BadInput listing what does."""
    by = _clean_name(by)
    if not by:
        raise UsageError("Say who schedules with --as NAME.", hint="e.g. --as 'Dana Kim'.")
    _check_name(by)  # the log names who scheduled: no look-alike letters there either
    post = _load(ws, path)
    checked: list[PostApproval] = []
    rel, shared = _rel(ws, post), _Shared(ws)  # read before the log's lock, not under it
    _verdict(post, post.industry or ws.settings.industry, shared)

    def decide(entries: list[dict[str, Any]]) -> dict[str, Any]:
        state = _state(ws, post, rel, [e for e in entries if e.get("post") == rel], shared)
        problems = state.problems
        if post.publish_at is None:
            problems.append("no publish_at")
        if problems:
            steps = []
            if state.lint_errors:
                steps.append(
                    "fix the lint errors (or waive them with a reason in 'lint: disable:')"
                )
            if any(not t.done for t in state.tiers):
                steps.append("get the missing approvals ('socialproof approve')")
            if state.rejections:
                steps.append(
                    "change what was rejected; whoever rejected it approves the new version"
                )
            if post.publish_at is None:
                steps.append("add 'publish_at:' to its front matter")
            todo = "; ".join(steps) + "."
            raise BadInput(
                f"{post.source} cannot be scheduled: {'; '.join(problems)}.",
                hint=todo[0].upper() + todo[1:],
            )
        checked.append(state)
        return {
            "post": state.post,
            "content_hash": state.content_hash,
            "decision": "schedule",
            "approver": by,
            "role": "scheduler",
            "tier": None,
            "reason": "; ".join(f"waived {k}: {v}" for k, v in state.waived.items()) or None,
        }

    commit(ws, decide)  # checked and appended as one step, under the log's lock
    state = checked[-1]
    set_status(post, "scheduled")
    state.status = "scheduled"
    return state


_STATUS_LINE = re.compile(r"^status:.*$", re.M)


def set_status(post: Post, status: str) -> None:
    """Rewrite the ``status:`` line of a post file (not part of the content hash).

    The file is read again under its lock (``posts.post_file_lock``): when it changed since
    ``post`` was read (edited or moved meanwhile), the status is left alone, since
    the decision was about a version that is no longer there. The check compares the
    file's text with the post's head and body as read (no YAML parse under
    the file's lock), and a file that already carries the
    status is not written again.
    """
    from socialproof.content.posts import load_post, post_file_lock, replace_text

    assert post.path is not None
    with post_file_lock(post.path):
        try:
            raw = post.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            load_post(post.path)  # says what is wrong in one line (missing, a folder, not UTF-8)
            raise
        raw = raw.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")
        if not raw.endswith(post.text):
            return
        fresh = raw[: len(raw) - len(post.text)]  # the head, when only the status changed
        if _STATUS_LINE.sub("", fresh) != _STATUS_LINE.sub("", post.head):
            return
        head = fresh
        if _STATUS_LINE.search(head):
            head = _STATUS_LINE.sub(f"status: {status}", head, count=1)
        elif head.startswith("---\n"):
            head = "---\n" + f"status: {status}\n" + head[4:]
        else:
            head = f"---\nstatus: {status}\n---\n"
        if head != fresh:
            replace_text(post.path, head + post.text)
    post.head = head
    post.status = status


def log_rows(ws: Workspace, *, post: Path | None = None) -> list[dict[str, Any]]:
    """The log for people: one row per entry, marking approvals of an older version."""
    entries = read_log(ws)
    hashes: dict[str, str | None] = {}
    rel_filter = None
    if post is not None:
        rel_filter = _rel(ws, _load(ws, post))
    rows: list[dict[str, Any]] = []
    for e in entries:
        rel = str(e.get("post"))
        if rel_filter is not None and rel != rel_filter:
            continue
        if rel not in hashes:
            target = ws.root / rel
            try:
                hashes[rel] = _load(ws, target).content_hash if target.exists() else None
            except BadInput:
                hashes[rel] = None
        rows.append(
            {
                "n": e["n"],
                "at": e["at"],
                "post": rel,
                "decision": e["decision"],
                "by": e["approver"],
                "role": e["role"],
                "tier": e.get("tier") or "",
                "reason": e.get("reason") or "",
                "version": "current" if hashes[rel] == e.get("content_hash") else "older",
                "hash": str(e["hash"])[:12],
            }
        )
    return rows


def clearance(ws: Workspace, posts: list[Post]) -> dict[str, PostApproval]:
    """Approval state of each post (by its source path), reading the log once."""
    entries = read_log(ws)
    by_post: dict[Any, list[dict[str, Any]]] = {}
    for e in entries:  # one pass over the log, not one per post
        by_post.setdefault(e.get("post"), []).append(e)
    shared = _Shared(ws)  # rules, voice and tiers read once for the page
    out = {}
    for p in posts:
        if p.path is not None:
            rel = _rel(ws, p)
            out[p.source] = _state(ws, p, rel, by_post.get(rel, []), shared)
    return out
