"""The workspace's planned budgets (``budgets.yaml``) as text, for faces that hold text
rather than files (the workbench's budgets editor).

``budgets_text`` gives the workspace's file, or an example to start from;
``check_budgets_text`` reads a text with the reader of the pacing report
(``campaigns.paid.load_budgets``); ``save_budgets_text`` writes it only when it reads.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from socialproof.errors import BadInput

if TYPE_CHECKING:
    from socialproof.campaigns.paid import Budget
    from socialproof.workspace import Workspace

MAX_CHARS = 200_000
EXAMPLE = """\
# Planned budgets for budget pacing: one item a flight. amount, start and end (YYYY-MM-DD)
# are needed; campaign, platform and currency narrow it (no campaign: every campaign
# together). This is an example: replace it with your own flights.
budgets:
  - campaign: Spring Launch
    platform: facebook
    currency: EUR
    amount: 30000
    start: 2026-03-01
    end: 2026-03-31
"""


def budgets_text(ws: Workspace) -> tuple[str, bool]:
    """The workspace's budgets.yaml and True, or an example to start from and False."""
    from socialproof.campaigns.paid import BUDGETS_FILE

    path = Path(ws.root) / BUDGETS_FILE
    if not path.is_file():
        return EXAMPLE, False
    try:
        return path.read_text(encoding="utf-8"), True
    except UnicodeDecodeError:
        raise BadInput(f"{BUDGETS_FILE} is not UTF-8 text.", hint="Save it as UTF-8.") from None


def _clean(raw: str) -> str:
    if "\x00" in raw:
        raise BadInput("The budgets are not text (they hold binary data).", hint="Paste text.")
    if len(raw) > MAX_CHARS:
        raise BadInput(
            f"The budgets have {len(raw):,} characters; socialproof takes up to {MAX_CHARS:,}.",
            hint="Keep one item a flight.",
        )
    return raw.replace("\r\n", "\n").replace("\r", "\n")


def check_budgets_text(text: str) -> list[Budget]:
    """The budgets a budgets.yaml text gives; BadInput naming budgets.yaml when it does
    not read."""
    from socialproof.campaigns.paid import BUDGETS_FILE, load_budgets

    text = _clean(text)
    with tempfile.TemporaryDirectory(prefix="socialproof-budgets-") as tmp:
        path = Path(tmp) / BUDGETS_FILE
        path.write_text(text, encoding="utf-8")
        try:
            return load_budgets(path)
        except BadInput as exc:  # the messages name the file: the workspace's, not tmp's
            raise BadInput(
                exc.message.replace(str(path), BUDGETS_FILE),
                hint=None if exc.hint is None else exc.hint.replace(str(path), BUDGETS_FILE),
            ) from None


def save_budgets_text(ws: Workspace, text: str) -> list[Budget]:
    """Write the workspace's budgets.yaml after the text reads; atomic."""
    from socialproof.campaigns.paid import BUDGETS_FILE
    from socialproof.workspace.textfile import replace_text

    budgets = check_budgets_text(text)
    path = Path(ws.root) / BUDGETS_FILE
    try:  # keeps the file's line ends, byte-order mark and permissions
        replace_text(path, _clean(text))
    except OSError as exc:
        raise BadInput(
            f"Cannot write {path.name}: {exc.strerror or exc}.", hint="Check the permissions."
        ) from None
    return budgets
