"""The career profile and pasted job postings, for faces that hold text rather than files.

``save_profile_text`` validates a profile.yaml text with the same model as
``socialproof profile check`` before writing it; ``gap_for_text`` runs the same
gap analysis as ``socialproof gap --posting FILE`` on a posting's text (pasted or
dropped), and returns the posting's facts so a face can show the spans that ask
for each skill.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from socialproof.errors import BadInput, UsageError

if TYPE_CHECKING:
    from socialproof.careers.gap import GapResult
    from socialproof.careers.plan import LearningPlan
    from socialproof.careers.profile import ProfileCheck
    from socialproof.market.extract import PostingFacts
    from socialproof.workspace import Workspace

MAX_CHARS = 100_000


@dataclass(frozen=True)
class Piece:
    """A piece of the analysed posting text; ``kind`` set where a skill, tool or
    platform is asked for (``requirement``: must, nice or mentioned)."""

    text: str
    kind: str | None = None
    label: str = ""
    requirement: str = ""


@dataclass
class PostingGap:
    result: GapResult
    facts: PostingFacts
    pieces: list[Piece]
    plan: LearningPlan


def _text(raw: str, what: str) -> str:
    if "\x00" in raw:
        raise BadInput(f"The {what} is not text (it holds binary data).", hint="Paste text.")
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    if len(raw) > MAX_CHARS:
        raise BadInput(
            f"The {what} has {len(raw):,} characters; socialproof takes up to {MAX_CHARS:,}.",
            hint="Paste only the posting.",
        )
    return raw


def read_profile_text(ws: Workspace) -> str:
    """profile.yaml's text, or the starting template when there is none yet."""
    from socialproof.careers.profile import TEMPLATE, profile_path

    path = profile_path(ws.root)
    if not path.is_file():
        return TEMPLATE
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise BadInput(f"{path.name} is not UTF-8 text.", hint="Save it as UTF-8.") from None


def check_profile_text(ws: Workspace, text: str) -> ProfileCheck:
    """Validate a profile text (as ``profile check``) without writing it."""
    from socialproof.careers.profile import check_profile, load_profile

    text = _text(text, "profile")
    with tempfile.TemporaryDirectory(prefix="socialproof-profile-") as tmp:
        path = Path(tmp) / "profile.yaml"
        path.write_text(text, encoding="utf-8")
        return check_profile(load_profile(path), root=ws.root)


def save_profile_text(ws: Workspace, text: str) -> ProfileCheck:
    """Write profile.yaml after it validates; atomic. Returns the check."""
    from socialproof.careers.profile import profile_path

    check = check_profile_text(ws, text)
    path = profile_path(ws.root)
    from socialproof.workspace.textfile import replace_text

    try:  # keeps the file's line ends, byte-order mark and permissions
        replace_text(path, _text(text, "profile"))
    except OSError as exc:
        raise BadInput(
            f"Cannot write {path.name}: {exc.strerror or exc}.", hint="Check the permissions."
        ) from None
    return check


def gap_for_text(ws: Workspace, text: str, *, title: str = "") -> PostingGap:
    """The profile against a posting given as text: match, gap with spans, learning plan."""
    from socialproof.careers.gap import gap_for_posting
    from socialproof.careers.plan import build_plan
    from socialproof.market.extract import analyze_posting, read_posting_file

    text = _text(text, "posting").strip()
    if not text:
        raise UsageError("Paste a job posting first.", hint="Its full text, or drop the file.")
    title = " ".join(title.split())
    if title and not text.startswith("---"):
        text = f"# {title}\n\n{text}"
    with tempfile.TemporaryDirectory(prefix="socialproof-posting-") as tmp:
        path = Path(tmp) / "posting.md"
        path.write_text(text, encoding="utf-8")
        result = gap_for_posting(ws, path)
        row = read_posting_file(path)
    facts = analyze_posting(row)
    analysed = f"{row['title']}\n{row['body']}" if row.get("title") else str(row["body"])
    return PostingGap(
        result=result, facts=facts, pieces=_pieces(analysed, facts), plan=build_plan([result])
    )


def _pieces(text: str, facts: PostingFacts) -> list[Piece]:
    hits = sorted(
        (h for h in facts.skills if 0 <= h.start < h.end <= len(text)), key=lambda h: h.start
    )
    out: list[Piece] = []
    pos = 0
    for h in hits:
        if h.start < pos:
            continue
        if h.start > pos:
            out.append(Piece(text[pos : h.start]))
        out.append(Piece(text[h.start : h.end], h.kind, h.label, h.requirement))
        pos = h.end
    if pos < len(text):
        out.append(Piece(text[pos:]))
    return out
