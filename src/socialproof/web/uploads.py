"""The upload folder's tidying: batches nobody came back to are removed after a week.

Each upload goes to ``<workspace>/.uploads/<batch>/`` (``web.pages.imports``). Files that
import leave it; the files of a check never confirmed, of an import kept for a retry with
another format and of a text file analysed on the Community pages stay. A batch untouched
for :data:`KEEP_DAYS` days is removed when the workbench starts and when the Import page
is opened, never one a running job uses.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

log = logging.getLogger(__name__)

FOLDER = ".uploads"
KEEP_DAYS = 7
BATCH = re.compile(r"^[0-9a-f]{16}$")


def touch(folder: Path) -> None:
    """Mark a batch as used now (a job starts on it), so the tidying keeps it a week more."""
    try:
        os.utime(folder)
    except OSError:
        pass  # gone or not ours: the job says what is missing


def _newest(folder: Path) -> float:
    """The latest change time of the batch folder or anything in it."""
    newest = folder.stat().st_mtime
    for root, dirs, files in os.walk(folder):
        for name in (*dirs, *files):
            try:
                newest = max(newest, os.stat(os.path.join(root, name)).st_mtime)
            except OSError:
                continue
    return newest


def remove_old_batches(
    root: Path, in_use: Iterable[str] = (), *, now: float | None = None
) -> list[str]:
    """Remove the batches under ``root / FOLDER`` untouched for :data:`KEEP_DAYS` days,
    except those named in ``in_use`` (running jobs'); return the names removed. Only
    folders named like a batch are looked at; a batch that cannot be removed is left."""
    uploads = root / FOLDER
    if not uploads.is_dir():
        return []
    keep = set(in_use)
    cutoff = (time.time() if now is None else now) - KEEP_DAYS * 86400
    removed = []
    for folder in sorted(uploads.iterdir()):
        if not BATCH.match(folder.name) or folder.name in keep or folder.is_symlink():
            continue
        try:
            if not folder.is_dir() or _newest(folder) >= cutoff:
                continue
            shutil.rmtree(folder)
        except OSError as exc:
            log.warning("could not remove the old upload batch %s: %s", folder, exc)
            continue
        removed.append(folder.name)
    return removed
