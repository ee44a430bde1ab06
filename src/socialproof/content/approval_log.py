"""The approvals log: an append-only, hash-chained JSON Lines file and its head.

``approvals.jsonl`` holds one JSON object a line, each with its sequence number ``n``,
the hash of the entry before it (``prev``) and its own ``hash`` (sha256 over the entry's
canonical JSON without ``hash``); ``approvals.head`` records the count and the last hash,
so a cut-off tail is caught. This module reads and verifies the log (incrementally within
a process), and appends to it: :func:`commit` decides a record under the log's lock on the
verified entries before it and writes it, grouped with the appends that wait meanwhile
(one write and one fsync a batch). Readers take the lock shared, writers exclusive:
between threads of a process on a condition, between processes with ``flock``.
The rules (tiers, no self-approval, lint) live in :mod:`socialproof.content.approvals`.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from socialproof.errors import IntegrityError, WorkspaceBusy, WorkspaceError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from socialproof.workspace import Workspace

LOG_FILE = "approvals.jsonl"
HEAD_FILE = "approvals.head"
LOCK_NAME = ".approvals.lock"
GENESIS = "0" * 64
_HELD = threading.local()  # per thread: workspace roots whose log lock this thread holds


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

    A verified read is first tried without the lock: a log and head that agree and verify
    are a state some append left whole (an append in flight shows a cut line, or a log
    and head that disagree), so readers do not queue behind a stream of appends. Any
    doubt (a parse error, a head that does not match) is settled by reading again under
    the lock, which is also where real damage is reported.
    """
    if verify and not _holds_lock(ws):
        try:
            return _read_log(ws, verify=True)
        except ValueError:  # IntegrityError, a cut UTF-8 sequence: read again in turn
            pass
    with _log_lock(ws, exclusive=False):
        return _read_log(ws, verify=verify)


def _holds_lock(ws: Workspace) -> bool:
    held: dict[str, int] = _HELD.__dict__.get("depth", {})
    return bool(held.get(str(ws.root.resolve())))


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
    line = data.count(b"\n", 0, start) + 1
    entries.extend(
        _parse_lines(data[start:], start=len(entries) + 1, line=line, prev=prev, verify=True)
    )
    _check_head(ws, entries)
    end = data.rfind(b"\n") + 1  # only whole lines are remembered as verified
    if end and end == len(data):
        remembered = _Verified(end, hashlib.sha256(data).hexdigest(), entries)
        with _VERIFIED_LOCK:
            _VERIFIED[key] = remembered
    return list(entries)


def _parse_lines(
    data: bytes, *, start: int, prev: str, verify: bool, line: int = 1
) -> list[dict[str, Any]]:
    """The entries in ``data`` (numbered from ``start``, its first line being file line
    ``line``), each checked against the one before it when ``verify``.

    What an editor adds around the entries changes none of them and is read past: a
    byte-order mark at the start of the file, blank lines, CRLF line ends.
    """
    entries: list[dict[str, Any]] = []
    i = start
    text = data.decode("utf-8-sig" if line == 1 else "utf-8")
    for at, raw in enumerate(text.splitlines(), start=line):
        if not raw.strip():
            continue
        try:
            entry = json.loads(raw)
            if not isinstance(entry, dict):
                raise ValueError
        except ValueError:
            if not verify:
                continue
            raise IntegrityError(
                f"approvals log entry {i} (line {at}) is not a valid entry: it was edited.",
                hint="Restore the log from version control; the chain breaks here.",
            ) from None
        if verify:
            _check(entry, i, prev)
        prev = str(entry.get("hash", ""))
        entries.append(entry)
        i += 1
    return entries


#: What every entry holds (as text), and the decisions it may record.
_TEXT_FIELDS = ("at", "post", "decision", "approver", "role", "prev", "hash")
_DECISIONS = ("approve", "reject", "schedule")


def _check(entry: dict[str, Any], i: int, prev: str) -> None:
    hint = "Restore the log from version control; entries from here on cannot be trusted."
    missing = [k for k in _TEXT_FIELDS if not isinstance(entry.get(k), str) or not entry[k]]
    if missing or entry.get("decision") not in _DECISIONS:
        # an entry written by hand, its hash computed to match: readers would fail on it
        what = (
            f"has no {', '.join(missing)}"
            if missing
            else (
                f"records the decision {entry.get('decision')!r} (not one of {', '.join(_DECISIONS)})"
            )
        )
        raise IntegrityError(
            f"approvals log entry {i} {what}: it was not written by socialproof.", hint=hint
        )
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


def commit(
    ws: Workspace, decide: Callable[[list[dict[str, Any]]], dict[str, Any]]
) -> dict[str, Any]:
    """Append the record ``decide(entries)`` returns, deciding it under the log's lock on the
    verified entries before it (``decide`` raises to refuse). Grouped with concurrent appends."""
    return commit_request(ws, decide).entry or {}


def commit_request(
    ws: Workspace, decide: Callable[[list[dict[str, Any]]], dict[str, Any]]
) -> _Request:
    """:func:`commit`, returning the request: its entry and the log up to that entry."""
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
            with (ws.root / LOG_FILE).open("a+b") as fh:
                if fh.tell() > 0:  # a log saved by an editor without its last line end
                    fh.seek(-1, os.SEEK_END)
                    if fh.read(1) not in (b"\n", b"\r"):
                        lines.insert(0, "\n")
                fh.write("".join(lines).encode("utf-8"))
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
