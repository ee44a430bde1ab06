"""The workspace's planned budgets (``budgets.yaml``) as text, for faces that hold text
rather than files (the workbench's budgets editor).

``budgets_text`` gives the workspace's file, or an example to start from;
``check_budgets_text`` reads a text with the reader of the pacing report
(``campaigns.paid.load_budgets``); ``save_budgets_text`` writes it only when it reads.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from socialproof.campaigns.paid import Budget
    from socialproof.workspace import Workspace

MAX_CHARS = 200_000
EXAMPLE = """\
# Planned budgets for budget pacing: one item a flight. amount, start and end (YYYY-MM-DD)
# are needed; campaign, platform, account (the ad account, needed when the spend comes
# from several; 'all' adds them up, in one currency) and currency narrow it (no campaign:
# every campaign together). This is an example: replace it with your own flights.
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
    from socialproof.workspace.textfile import read_workspace_text

    text = read_workspace_text(Path(ws.root), BUDGETS_FILE)
    return (EXAMPLE, False) if text is None else (text, True)


def _clean(raw: str) -> str:
    from socialproof.workspace.textfile import clean_pasted

    return clean_pasted(raw, "The budgets", max_chars=MAX_CHARS, hint="Keep one item a flight.")


def check_budgets_text(text: str) -> list[Budget]:
    """The budgets a budgets.yaml text gives; BadInput naming budgets.yaml when it does
    not read."""
    from socialproof.campaigns.paid import BUDGETS_FILE, load_budgets
    from socialproof.workspace.textfile import check_as_file

    return check_as_file(_clean(text), BUDGETS_FILE, load_budgets)


def save_budgets_text(ws: Workspace, text: str) -> list[Budget]:
    """Write the workspace's budgets.yaml after the text reads; atomic, keeping the file's
    line ends, byte-order mark and permissions."""
    from socialproof.campaigns.paid import BUDGETS_FILE
    from socialproof.workspace.textfile import write_workspace_text

    budgets = check_budgets_text(text)
    write_workspace_text(Path(ws.root), BUDGETS_FILE, _clean(text))
    return budgets
