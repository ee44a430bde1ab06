"""Moderation decisions: a person confirms or dismisses a flag, and the queue learns from it.

A decision answers one flagged member message (``platform`` + ``message_id``). Every
decision is kept in ``moderation_decisions``; the latest one per message counts:

* **dismiss**: the flag was wrong. The message leaves the moderation queue and is not
  raised again, unless its text changes (the decision records the text hash it saw).
* **confirm**: the flag was right. The queue keeps the message and shows who
  confirmed it, so the next person does not review it again.

Decisions also record the spam and toxicity model scores of the message at the time,
so :func:`suggest_thresholds` can propose model thresholds that would have kept the
confirmed flags and dropped the dismissed ones, and :func:`apply_thresholds` writes
them as ``models.spam_threshold`` / ``models.toxic_threshold`` into the workspace's
``moderation.yaml`` (``socialproof community decisions --apply``). The rules
fingerprint then changes, so the next scoring re-scores every member message with
the new thresholds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialproof.errors import BadInput, NotFound, UsageError

if TYPE_CHECKING:
    import pandas as pd

    from socialproof.workspace.core import Workspace

TABLE = "moderation_decisions"
CHOICES = ("confirm", "dismiss")
NOTE_MAX = 2000
MIN_DECISIONS = 3  # per side (confirmed and dismissed) before a threshold is suggested


@dataclass(frozen=True)
class Decision:
    platform: str
    message_id: str
    flag: str
    reasons: str
    decision: str
    decided_by: str
    decided_at: datetime
    note: str | None = None
    spam_score: float | None = None
    toxic_score: float | None = None


@dataclass(frozen=True)
class Suggestion:
    """A suggested model threshold for one kind of flag, with the evidence behind it."""

    kind: str
    threshold: float | None
    confirmed: int
    dismissed: int
    kept: int  # confirmed flags the threshold keeps
    dropped: int  # dismissed flags the threshold drops
    explanation: str


def _flagged_message(ws: Workspace, message_id: str, platform: str | None) -> dict[str, Any]:
    """The scored, flagged member message a decision is about (and its text)."""
    from socialproof.community.threads import Scope, messages_expr
    from socialproof.errors import NoData
    from socialproof.workspace import engine

    try:
        with ws.ibis() as con:
            s = engine.table(con, "message_scores")
            s = s.filter(s.message_id == message_id)
            if platform is not None:
                s = s.filter(s.platform == platform)
            m = messages_expr(con, ws, Scope(), threads=False)
            m = m.filter(m.message_id == message_id).select(
                m_platform=m.platform, m_id=m.message_id, text=m.text
            )
            j = s.join(m, [s.platform == m.m_platform, s.message_id == m.m_id])
            df = engine.execute(
                j.select("platform", "message_id", "spam", "toxic", "reasons", "text_hash", "text")
            )
    except NoData:
        df = None
    if df is None or df.empty:
        raise NotFound(
            f"No scored member message {message_id!r}"
            + (f" on {platform}" if platform else "")
            + " in this workspace.",
            hint="Pick an id from 'socialproof community queue'.",
        )
    if len(df) > 1:
        platforms = ", ".join(sorted(str(p) for p in df["platform"]))
        raise UsageError(
            f"Message {message_id!r} exists on several platforms ({platforms}).",
            hint="Say which with --platform.",
        )
    row = {str(k): v for k, v in df.iloc[0].items()}
    if not (bool(row.get("spam")) or bool(row.get("toxic"))):
        raise BadInput(
            f"Message {message_id!r} on {row['platform']} is not flagged: there is nothing "
            "to confirm or dismiss.",
            hint="Decisions answer flags in 'socialproof community queue'.",
        )
    return row


def _flag_name(row: dict[str, Any]) -> str:
    kinds = [k for k in ("spam", "toxic") if bool(row.get(k))]
    return "+".join(kinds)


def _model_scores(text: str) -> tuple[float | None, float | None]:
    """The packaged models' spam and toxicity scores for a text (None when unavailable)."""
    try:
        from socialproof.community.moderation import load

        flags = load().flag([text])[0]
        return float(flags.spam_score), float(flags.toxic_score)
    except Exception:  # noqa: BLE001 - the scores are a bonus; the decision stands without
        return None, None


def record_decision(
    ws: Workspace,
    message_id: str,
    decision: str,
    *,
    platform: str | None = None,
    who: str | None = None,
    note: str | None = None,
) -> Decision:
    """Store a person's decision on a flagged message; returns what was stored."""
    import pyarrow as pa

    from socialproof.workspace import engine

    message_id = str(message_id or "").strip()
    if not message_id:
        raise UsageError("Say which message: give its id.", hint="Ids are in the queue.")
    choice = str(decision or "").strip().lower()
    if choice not in CHOICES:
        raise UsageError(
            f"Unknown decision {decision!r}.", hint="Use confirm (the flag is right) or dismiss."
        )
    by = " ".join(str(who or ws.settings.owner or "").split())
    if not by:
        raise UsageError("Say who decides.", hint="Pass --as NAME or set 'owner' in the settings.")
    text_note = (note or "").strip() or None
    if text_note is not None and len(text_note) > NOTE_MAX:
        raise UsageError(
            f"The note has {len(text_note):,} characters; keep it under {NOTE_MAX:,}.",
            hint="Shorten it.",
        )
    row = _flagged_message(ws, message_id, (platform or "").strip().lower() or None)
    spam_score, toxic_score = _model_scores(str(row.get("text") or ""))
    now = datetime.now(UTC).replace(tzinfo=None)  # microseconds order quick decisions
    stored = Decision(
        platform=str(row["platform"]),
        message_id=str(row["message_id"]),
        flag=_flag_name(row),
        reasons=str(row.get("reasons") or "[]"),
        decision=choice,
        decided_by=by,
        decided_at=now,
        note=text_note,
        spam_score=spam_score,
        toxic_score=toxic_score,
    )
    text_hash = row.get("text_hash")
    data = pa.table(
        {
            "platform": pa.array([stored.platform], pa.string()),
            "message_id": pa.array([stored.message_id], pa.string()),
            "flag": pa.array([stored.flag], pa.string()),
            "reasons": pa.array([stored.reasons], pa.string()),
            "text_hash": pa.array([None if text_hash is None else int(text_hash)], pa.int64()),
            "decision": pa.array([stored.decision], pa.string()),
            "decided_by": pa.array([stored.decided_by], pa.string()),
            "decided_at": pa.array([stored.decided_at], pa.timestamp("us")),
            "note": pa.array([stored.note], pa.string()),
            "spam_score": pa.array([spam_score], pa.float64()),
            "toxic_score": pa.array([toxic_score], pa.float64()),
        }
    )
    with ws.transaction() as con:
        engine.append(con, TABLE, data)
    return stored


def decisions(ws: Workspace, *, latest: bool = False) -> pd.DataFrame:
    """Every decision, newest first (or only the latest per message with ``latest=True``)."""
    import pandas as pd

    from socialproof.errors import NoData
    from socialproof.workspace import engine

    columns = [
        "decided_at",
        "platform",
        "message_id",
        "flag",
        "decision",
        "decided_by",
        "note",
        "reasons",
        "text_hash",
        "spam_score",
        "toxic_score",
    ]
    try:
        with ws.ibis() as con:
            t = engine.table(con, TABLE)
            df = engine.execute(t.select(*columns))
    except NoData:
        return pd.DataFrame(columns=columns)
    df = df.sort_values(["decided_at", "platform", "message_id"], ascending=False, kind="stable")
    df = df.reset_index(drop=True)
    if latest:
        df = df.drop_duplicates(["platform", "message_id"], keep="first").reset_index(drop=True)
    df["reasons"] = [_reasons(r) for r in df["reasons"]]
    return df


def _reasons(raw: object) -> str:
    if not isinstance(raw, str) or not raw:
        return ""
    try:
        items = json.loads(raw)
    except ValueError:
        return raw
    return "; ".join(str(i) for i in items) if isinstance(items, list) else str(items)


def latest_decisions(ws: Workspace) -> dict[tuple[str, str], dict[str, Any]]:
    """The latest decision per (platform, message_id), as plain dicts."""
    df = decisions(ws, latest=True)
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for rec in df.to_dict("records"):
        out[(str(rec["platform"]), str(rec["message_id"]))] = {str(k): v for k, v in rec.items()}
    return out


def dismissed_ids(ws: Workspace) -> dict[tuple[str, str], int | None]:
    """Messages whose latest decision dismissed the flag, with the text hash then seen.

    The queue leaves them out while the text is unchanged (a hash of None matches any).
    """
    out: dict[tuple[str, str], int | None] = {}
    for key, rec in latest_decisions(ws).items():
        if rec["decision"] == "dismiss":
            h = rec.get("text_hash")
            out[key] = None if h is None or h != h else int(h)  # NaN-safe
    return out


def suggest_thresholds(ws: Workspace, *, minimum: int = MIN_DECISIONS) -> list[Suggestion]:
    """Model thresholds the decisions support, one per kind of flag (spam, toxic).

    Only decisions on flags the model raised count (a threshold changes nothing for
    flags raised by rules). Confirmed flags should score at or above the threshold,
    dismissed ones below it. The suggestion is the cut between the scores that gets
    the most decisions right (the midpoint of the gap when confirmed and dismissed
    scores separate cleanly). With fewer than ``minimum`` decisions on either side
    there is no suggestion.
    """
    df = decisions(ws, latest=True)
    out: list[Suggestion] = []
    for kind in ("spam", "toxic"):
        col = f"{kind}_score"
        raised = [f"{kind} model " in str(r) for r in df["reasons"]]  # the model raised it
        mine = df[raised] if len(df) else df
        mine = mine[mine[col].notna()] if len(mine) else mine
        yes = sorted(float(v) for v in mine.loc[mine["decision"] == "confirm", col])
        no = sorted(float(v) for v in mine.loc[mine["decision"] == "dismiss", col])
        out.append(_suggest(kind, yes, no, minimum))
    return out


def _suggest(kind: str, yes: list[float], no: list[float], minimum: int) -> Suggestion:
    if len(yes) < minimum or len(no) < minimum:
        return Suggestion(
            kind,
            None,
            len(yes),
            len(no),
            0,
            0,
            f"Not enough decisions on {kind} flags yet ({len(yes)} confirmed, {len(no)} "
            f"dismissed; {minimum} of each needed).",
        )
    scores = sorted(set(yes + no))
    cuts = [scores[0]] + [(a + b) / 2 for a, b in zip(scores, scores[1:], strict=False)]
    cuts.append(scores[-1] + 1e-6)

    def right(t: float) -> tuple[int, int]:
        return sum(1 for v in yes if v >= t), sum(1 for v in no if v < t)

    best = max(cuts, key=lambda t: (sum(right(t)), -abs(t - 0.5)))
    kept, dropped = right(best)
    best = min(max(round(best, 2), 0.0), 1.0)
    return Suggestion(
        kind,
        best,
        len(yes),
        len(no),
        kept,
        dropped,
        f"A {kind} model threshold of {best:.2f} keeps {kept} of {len(yes)} confirmed flags "
        f"and drops {dropped} of {len(no)} dismissed ones (set models.{kind}_threshold in "
        "the workspace's moderation.yaml). Flags raised by rules (blocked terms, links, "
        "repeats) are not affected.",
    )


def apply_thresholds(ws: Workspace, suggestions: list[Suggestion]) -> tuple[Path, list[str]]:
    """Write the suggested thresholds into the workspace's ``moderation.yaml``.

    Only suggestions with a threshold are written; the other settings of an existing
    file are kept (its comments are not: the file is rewritten). Returns the file and
    one line per change ("models.spam_threshold: 0.47 -> 0.75"); nothing to apply
    writes nothing.
    """
    import yaml

    from socialproof.community.moderation import WORKSPACE_FILE, workspace_guidelines

    path = Path(ws.root) / WORKSPACE_FILE
    chosen = [s for s in suggestions if s.threshold is not None]
    if not chosen:
        return path, []
    before = workspace_guidelines(ws.root)  # a broken file is a clear error, not overwritten
    data: dict[str, Any] = {}
    if path.exists():
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        data = dict(loaded) if isinstance(loaded, dict) else {}
    models = dict(data.get("models") or {})
    changes: list[str] = []
    for s in chosen:
        key = f"{s.kind}_threshold"
        old = getattr(before, key)
        models[key] = s.threshold
        was = "the packaged default" if old is None else f"{old:g}"
        changes.append(f"models.{key}: {was} -> {s.threshold:g}")
    data["models"] = models
    header = (
        "# Moderation guidelines of this workspace (replace the packaged defaults key by key).\n"
        "# Thresholds last set by 'socialproof community decisions --apply' on "
        f"{datetime.now(UTC):%Y-%m-%d} from the team's confirmed and dismissed flags.\n"
    )
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(header + yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    tmp.replace(path)
    return path, changes
