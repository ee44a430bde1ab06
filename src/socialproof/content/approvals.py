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

Rules: tiers come from ``[approvals] tiers`` in the settings; by default one
``review`` tier, and regulated industries (finance, health, legal) always have a
tier with a ``compliance`` or ``legal`` role (added when the settings lack one). No one approves their own post (``author:`` in the front
matter), and one person counts for one tier only. An approval counts only while
the post's content hash is unchanged.
A rejection by anyone blocks until the same person approves a later version.
A post becomes ``scheduled`` only when every tier approved and no lint error
is left (errors waived in front matter, with their reasons, do not block).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from socialproof.errors import (
    BadInput,
    IntegrityError,
    UsageError,
    WorkspaceBusy,
    WorkspaceError,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from socialproof.content.posts import Post
    from socialproof.workspace import Workspace
    from socialproof.workspace.settings import ApprovalTier

LOG_FILE = "approvals.jsonl"
HEAD_FILE = "approvals.head"
LOCK_NAME = ".approvals.lock"
GENESIS = "0" * 64
DECISIONS = ("approve", "reject", "schedule")
DEFAULT_REVIEW_ROLES = ["reviewer", "editor", "manager", "lead"]
DEFAULT_COMPLIANCE_ROLES = ["compliance", "legal"]
_HELD = threading.local()  # per thread: workspace roots whose log lock this thread holds


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
            "status": self.status,
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
    return " ".join(name.split()).casefold()


# -- the log -----------------------------------------------------------------


def _digest(entry: dict[str, Any]) -> str:
    body = {k: v for k, v in entry.items() if k != "hash"}
    canon = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()


@contextmanager
def _log_lock(ws: Workspace, *, exclusive: bool, wait_s: float = 30.0) -> Iterator[None]:
    """Hold the approvals log's lock: shared to read, exclusive to append.

    A writer appends a line to the log and then replaces the head file; a reader
    that read the log between the two saw one entry more than the head records and
    raised a false tamper alarm. Readers therefore take the lock shared, so they see
    the log and its head either both before or both after an append. The lock is
    the log's own (not the workspace's write lock), so reading approvals never waits
    for an import. A thread that already holds it (an append reading the log)
    does not take it again.
    """
    import time

    key = str(ws.root.resolve())
    held: dict[str, int] = _HELD.__dict__.setdefault("depth", {})
    if held.get(key):
        held[key] += 1
        try:
            yield
        finally:
            held[key] -= 1
        return
    deadline = time.monotonic() + wait_s
    with _TURNS_LOCK:
        turns = _TURNS.setdefault(key, _Turns())
    if not turns.acquire(exclusive=exclusive, deadline=deadline):
        raise _busy(ws, wait_s)
    try:
        with _file_lock(ws, exclusive=exclusive, deadline=deadline, wait_s=wait_s):
            held[key] = 1
            try:
                yield
            finally:
                held.pop(key, None)
    finally:
        turns.release(exclusive=exclusive)


def _busy(ws: Workspace, wait_s: float) -> WorkspaceBusy:
    return WorkspaceBusy(
        f"Another socialproof command is writing the approvals log in {ws.root} "
        f"(waited {wait_s:.0f} s).",
        hint="Wait for it to finish, then retry.",
    )


class _Turns:
    """The log's readers and writer within this process: many readers or one writer, a
    waiting writer first. Threads wait on a condition, not by polling the file lock (which
    only other processes contend for now): a writer used to retry every 20 ms while readers
    came and went, and could wait behind them for long."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.readers = 0
        self.writer = False
        self.waiting = 0

    def acquire(self, *, exclusive: bool, deadline: float) -> bool:
        import time

        with self.cond:
            if exclusive:
                self.waiting += 1
                try:
                    while self.writer or self.readers:
                        if not self.cond.wait(deadline - time.monotonic()):
                            return False
                finally:
                    self.waiting -= 1
                self.writer = True
            else:
                while self.writer or self.waiting:
                    if not self.cond.wait(deadline - time.monotonic()):
                        return False
                self.readers += 1
        return True

    def release(self, *, exclusive: bool) -> None:
        with self.cond:
            if exclusive:
                self.writer = False
            else:
                self.readers -= 1
            self.cond.notify_all()


_TURNS: dict[str, _Turns] = {}
_TURNS_LOCK = threading.Lock()


@contextmanager
def _file_lock(ws: Workspace, *, exclusive: bool, deadline: float, wait_s: float) -> Iterator[None]:
    """The log's file lock (``flock``), which keeps turns between processes."""
    import fcntl
    import time

    try:
        fd = os.open(ws.root / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    except PermissionError:
        if exclusive:
            raise WorkspaceError(
                f"Cannot write to the workspace {ws.root}: permission denied.",
                hint="Check the folder's permissions or use a workspace you own.",
            ) from None
        fd = -1  # a read-only workspace: no writer of ours can race with this reader
    if fd < 0:
        yield
        return
    try:
        mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        while True:
            try:
                fcntl.flock(fd, mode | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise _busy(ws, wait_s) from None
                time.sleep(0.02)
        yield
    finally:
        os.close(fd)  # closing releases the flock


def read_log(ws: Workspace, *, verify: bool = True) -> list[dict[str, Any]]:
    """Every entry of the log, verified unless ``verify=False``.

    Taken under the log's shared lock, so a reader never sees an append half done.
    Verification is incremental within a process: the bytes already verified are
    remembered by their length and sha256, and when the file still starts with
    exactly those bytes only the lines after them are checked (a changed, cut or
    replaced prefix is verified again from the first line, so tampering is still
    named where it happened). The entries returned are shared: do not change them.
    """
    with _log_lock(ws, exclusive=False):
        return _read_log(ws, verify=verify)


@dataclass
class _Verified:
    """The longest prefix of a log file known to verify: its bytes' length and sha256."""

    size: int
    digest: str
    entries: list[dict[str, Any]]


_VERIFIED: dict[str, _Verified] = {}
_VERIFIED_LOCK = threading.Lock()


def _read_log(ws: Workspace, *, verify: bool) -> list[dict[str, Any]]:
    path = ws.root / LOG_FILE
    key = str(path.resolve())
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        with _VERIFIED_LOCK:
            _VERIFIED.pop(key, None)
        if verify and (ws.root / HEAD_FILE).exists():
            raise IntegrityError(
                f"{LOG_FILE} is missing but {HEAD_FILE} records entries.",
                hint="Restore the log from version control or a backup.",
            ) from None
        return []
    if not verify:
        return _parse_lines(data, start=1, prev=GENESIS, verify=False)
    with _VERIFIED_LOCK:
        known = _VERIFIED.get(key)
    entries: list[dict[str, Any]] = []
    start = 0
    if (
        known is not None
        and len(data) >= known.size
        and hashlib.sha256(data[: known.size]).hexdigest() == known.digest
    ):
        entries, start = list(known.entries), known.size
    prev = str(entries[-1].get("hash", "")) if entries else GENESIS
    entries.extend(_parse_lines(data[start:], start=len(entries) + 1, prev=prev, verify=True))
    _check_head(ws, entries)
    end = data.rfind(b"\n") + 1  # only whole lines are remembered as verified
    if end and end == len(data):
        remembered = _Verified(end, hashlib.sha256(data).hexdigest(), entries)
        with _VERIFIED_LOCK:
            _VERIFIED[key] = remembered
    return list(entries)


def _parse_lines(data: bytes, *, start: int, prev: str, verify: bool) -> list[dict[str, Any]]:
    """The entries in ``data`` (lines numbered from ``start``), each checked against the one
    before it when ``verify``."""
    entries: list[dict[str, Any]] = []
    for i, line in enumerate(data.decode("utf-8").splitlines(), start=start):
        try:
            entry = json.loads(line)
            if not isinstance(entry, dict):
                raise ValueError
        except ValueError:
            if not verify:
                continue
            raise IntegrityError(
                f"approvals log entry {i} (line {i}) is not a valid entry: it was edited.",
                hint="Restore the log from version control; the chain breaks here.",
            ) from None
        if verify:
            _check(entry, i, prev)
        prev = str(entry.get("hash", ""))
        entries.append(entry)
    return entries


def _check(entry: dict[str, Any], i: int, prev: str) -> None:
    hint = "Restore the log from version control; entries from here on cannot be trusted."
    n = entry.get("n")
    if n != i:
        what = "deleted or reordered" if isinstance(n, int) else "edited"
        raise IntegrityError(
            f"approvals log entry {i} carries number {n!r}: entries were {what} before it.",
            hint=hint,
        )
    if entry.get("prev") != prev:
        raise IntegrityError(
            f"approvals log entry {i} does not follow entry {i - 1} (chain broken): "
            "an entry was deleted, inserted or reordered.",
            hint=hint,
        )
    if entry.get("hash") != _digest(entry):
        raise IntegrityError(
            f"approvals log entry {i} was edited after it was written (its hash does not match).",
            hint=hint,
        )


def _check_head(ws: Workspace, entries: list[dict[str, Any]]) -> None:
    path = ws.root / HEAD_FILE
    if not path.exists():
        if entries:
            raise IntegrityError(
                f"{HEAD_FILE} is missing.", hint="Restore it from version control or a backup."
            )
        return
    try:
        head = json.loads(path.read_text(encoding="utf-8"))
        count, last = int(head["entries"]), str(head["hash"])
    except (ValueError, KeyError, TypeError):
        raise IntegrityError(f"{HEAD_FILE} is damaged.", hint="Restore it from a backup.") from None
    if count > len(entries):
        raise IntegrityError(
            f"approvals log ends at entry {len(entries)} but {HEAD_FILE} records {count}: "
            f"entries {len(entries) + 1} to {count} were deleted.",
            hint="Restore the log from version control.",
        )
    if count < len(entries) or (entries and entries[-1]["hash"] != last):
        raise IntegrityError(
            f"approvals log entry {count + 1 if count < len(entries) else count} does not match "
            f"{HEAD_FILE}: entries were added or changed outside socialproof.",
            hint="Restore the log from version control.",
        )


def verify_log(ws: Workspace) -> tuple[int, str]:
    """(entries, head hash) when the whole log verifies; IntegrityError naming the entry if not."""
    entries = read_log(ws, verify=True)
    return len(entries), entries[-1]["hash"] if entries else GENESIS


def _append(ws: Workspace, record: dict[str, Any]) -> dict[str, Any]:
    """Append one record (its decision taken already) to the log."""
    return _commit(ws, lambda _entries: record)


@dataclass
class _Request:
    """One append waiting for the group commit: how to decide it, and what came of it."""

    ws: Workspace
    decide: Callable[[list[dict[str, Any]]], dict[str, Any]]
    wake: threading.Event = field(default_factory=threading.Event)  # done, or asked to lead
    finished: bool = False
    entry: dict[str, Any] | None = None
    log: list[dict[str, Any]] = field(default_factory=list)  # the log up to its entry
    error: BaseException | None = None


class _GroupCommit:
    """The appends of one log in this process, written a batch at a time.

    The first request to arrive leads: it takes the log's lock, decides every request
    waiting (in arrival order, each seeing the entries decided before it), writes their
    lines with one write and one fsync, replaces the head once, and hands each request
    its entry or its refusal. Requests that arrive meanwhile wait and go in the next
    batch, which the first of them leads: a leader writes one batch and returns (it used
    to go on leading while requests kept coming, so under a steady stream its own answer
    waited for everyone else's). Other processes are kept in turn by the log's file lock.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pending: list[_Request] = []
        self.leading = False

    def submit(self, request: _Request) -> _Request:
        with self.lock:
            self.pending.append(request)
            lead = not self.leading
            if lead:
                self.leading = True
        if not lead:
            request.wake.wait()
        if not request.finished:  # woken to lead the next batch (which holds this request)
            self._lead()
        if request.error is not None:
            raise request.error
        assert request.entry is not None
        return request

    def _lead(self) -> None:
        with self.lock:
            batch, self.pending = self.pending, []
        try:
            _write_batch(batch)
        except BaseException as exc:  # the batch as a whole failed (lock busy, disk)
            for request in batch:  # nothing of it counts as written
                if request.error is None or request.entry is not None:
                    request.error, request.entry = exc, None
        finally:
            with self.lock:
                following = self.pending[0] if self.pending else None
                self.leading = following is not None
            for request in batch:
                request.finished = True
                request.wake.set()
            if following is not None:
                following.wake.set()  # it leads the requests that came meanwhile


_COMMITS: dict[str, _GroupCommit] = {}
_COMMITS_LOCK = threading.Lock()


def _commit(
    ws: Workspace, decide: Callable[[list[dict[str, Any]]], dict[str, Any]]
) -> dict[str, Any]:
    """Append the record ``decide(entries)`` returns, deciding it under the log's lock on the
    verified entries before it (``decide`` raises to refuse). Grouped with concurrent appends."""
    return _commit_request(ws, decide).entry or {}


def _commit_request(
    ws: Workspace, decide: Callable[[list[dict[str, Any]]], dict[str, Any]]
) -> _Request:
    """:func:`_commit`, returning the request: its entry and the log up to that entry."""
    key = str(ws.root.resolve())
    request = _Request(ws, decide)
    if _HELD.__dict__.get("depth", {}).get(key):  # inside the lock already: no batching
        _write_batch([request])
        return request
    with _COMMITS_LOCK:
        group = _COMMITS.setdefault(key, _GroupCommit())
    return group.submit(request)


def _write_batch(batch: list[_Request]) -> list[dict[str, Any]]:
    ws = batch[0].ws
    written: list[dict[str, Any]] = []
    with _log_lock(ws, exclusive=True):
        entries = read_log(ws, verify=True)
        lines: list[str] = []
        for request in batch:
            try:
                record = request.decide(entries)
            except Exception as exc:  # a refusal (BadInput) or a bug: that request's alone
                request.error = exc
                continue
            entry: dict[str, Any] = {
                "n": len(entries) + 1,
                "at": datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
                **record,
                "prev": entries[-1]["hash"] if entries else GENESIS,
            }
            entry["hash"] = _digest(entry)
            lines.append(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
            entries = [*entries, entry]
            request.entry, request.log = entry, entries
            written.append(entry)
        if lines:
            with (ws.root / LOG_FILE).open("a", encoding="utf-8") as fh:
                fh.write("".join(lines))
                fh.flush()
                os.fsync(fh.fileno())
            head = ws.root / HEAD_FILE
            tmp = head.with_name(HEAD_FILE + ".tmp")
            last = entries[-1]
            tmp.write_text(json.dumps({"entries": last["n"], "hash": last["hash"]}) + "\n", "utf-8")
            tmp.replace(head)
    if len(batch) == 1 and batch[0].error is not None:
        raise batch[0].error
    return written


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
    approver = " ".join((approver or "").split())
    if not approver:
        raise UsageError("Say who approves with --as NAME.", hint="e.g. --as 'Dana Kim'.")
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
    if _norm(post.author) == _norm(approver):
        raise BadInput(
            f"{approver} wrote {post.source} and cannot approve it (no self-approval).",
            hint="Ask another reviewer.",
        )
    rel = _rel(ws, post)
    shared = _Shared(ws)  # rules, voice, tiers and the lint verdict before the log's lock,
    _verdict(post, industry, shared)  # not under it (the decision reads them from there)
    done = _commit_request(  # decided and appended as one step, under the log's lock
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
    by = " ".join((by or "").split())
    if not by:
        raise UsageError("Say who schedules with --as NAME.", hint="e.g. --as 'Dana Kim'.")
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
            raise BadInput(
                f"{post.source} cannot be scheduled: {'; '.join(problems)}.",
                hint="Fix the lint errors (or waive them with a reason in 'lint: disable:') "
                "and get the missing approvals.",
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

    _commit(ws, decide)  # checked and appended as one step, under the log's lock
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
