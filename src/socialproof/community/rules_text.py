"""The workspace's moderation rules (``moderation.yaml``) as text, for faces that hold
text rather than files (the workbench's rules editor).

``rules_text`` gives the workspace's file, or the packaged defaults to start from;
``check_rules_text`` reads a text with the same reader as the moderation queue and
``socialproof moderate --rules``; ``save_rules_text`` writes it only when it reads, and
``reset_rules`` removes the workspace's file (the packaged defaults apply again).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from socialproof.errors import BadInput

if TYPE_CHECKING:
    from socialproof.community.moderation import Guidelines
    from socialproof.workspace import Workspace

MAX_CHARS = 200_000


def rules_text(ws: Workspace) -> tuple[str, bool]:
    """The workspace's moderation.yaml and True, or the packaged defaults and False."""
    from socialproof.community.moderation import WORKSPACE_FILE
    from socialproof.workspace.textfile import read_workspace_text

    text = read_workspace_text(Path(ws.root), WORKSPACE_FILE)
    if text is not None:
        return text, True
    packaged = resources.files("socialproof") / "data" / "community" / "moderation.yaml"
    return packaged.read_text(encoding="utf-8"), False


def _clean(raw: str) -> str:
    from socialproof.workspace.textfile import clean_pasted

    return clean_pasted(
        raw, "The rules", max_chars=MAX_CHARS, hint="Keep the terms and domains that matter."
    )


def check_rules_text(text: str) -> Guidelines:
    """The guidelines a moderation.yaml text gives (the packaged defaults replaced key by
    key); BadInput naming moderation.yaml when it does not read."""
    from socialproof.community.moderation import WORKSPACE_FILE, guidelines
    from socialproof.workspace.textfile import check_as_file

    return check_as_file(_clean(text), WORKSPACE_FILE, guidelines)


def save_rules_text(ws: Workspace, text: str) -> Path:
    """Write the workspace's moderation.yaml after the text reads; atomic, keeping the
    file's line ends, byte-order mark and permissions."""
    from socialproof.community.moderation import WORKSPACE_FILE
    from socialproof.workspace.textfile import write_workspace_text

    check_rules_text(text)
    return write_workspace_text(Path(ws.root), WORKSPACE_FILE, _clean(text))


def reset_rules(ws: Workspace) -> bool:
    """Remove the workspace's moderation.yaml; True when there was one."""
    from socialproof.community.moderation import WORKSPACE_FILE

    path = Path(ws.root) / WORKSPACE_FILE
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise BadInput(
            f"Cannot remove {path.name}: {exc.strerror or exc}.", hint="Check the permissions."
        ) from None
    return True
