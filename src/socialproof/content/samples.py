"""Sample planned posts for the demo: six posts, one with deliberate problems."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from socialproof.workspace import Workspace

SAMPLES_DIR = Path(__file__).resolve().parent.parent / "data" / "samples" / "content"
PROBLEM_POST = "2026-12-10-savings-collab.md"


def copy_samples(ws: Workspace, *, overwrite: bool = False) -> list[Path]:
    """Copy the sample posts into ``<workspace>/content/``; returns the paths written."""
    target = ws.root / "content"
    target.mkdir(exist_ok=True)
    written: list[Path] = []
    for src in sorted(SAMPLES_DIR.glob("*.md")):
        dest = target / src.name
        if dest.exists() and not overwrite:
            continue
        shutil.copyfile(src, dest)
        written.append(dest)
    return written
