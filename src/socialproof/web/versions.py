"""Editors that save a workspace file: the version of the file a form was opened on.

Two tabs (or a tab and a text editor) open on one file: the second save replaced the
first without a word. An editor's form carries the version of the file it started from
(:func:`version_of`, a hidden field); :func:`check` refuses the save when the file
changed since, and the page keeps the typed text so nothing typed is lost either.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from socialproof.errors import EditedElsewhere

if TYPE_CHECKING:
    from pathlib import Path

ABSENT = "none"  # the version of a file that is not there yet


def version_of(path: Path) -> str:
    """The file's version: a digest of its bytes (``ABSENT`` when there is no file)."""
    try:
        data = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        return ABSENT
    return hashlib.sha256(data).hexdigest()[:32]


def check(path: Path, version: str, what: str) -> None:
    """Refuse a save over ``path`` when it changed since the form showed ``version`` (a
    form without a version, as a script posts it, is not checked)."""
    if version and version_of(path) != version:
        raise EditedElsewhere(
            f"{what} changed since this page opened it (in another tab or an editor); "
            "nothing was saved.",
            hint="Your text is kept below: copy what you need, then reload the page to see "
            "the file as it is now and make your change there.",
        )
