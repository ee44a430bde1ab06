"""The workspace's moderation rules (``moderation.yaml``) as text, for faces that hold
text rather than files (the workbench's rules editor).

``rules_text`` gives the workspace's file, or the packaged defaults to start from;
``check_rules_text`` reads a text with the same reader as the moderation queue and
``socialproof moderate --rules``; ``save_rules_text`` writes it only when it reads, and
``reset_rules`` removes the workspace's file (the packaged defaults apply again).
"""

from __future__ import annotations

import tempfile
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

    path = Path(ws.root) / WORKSPACE_FILE
    if path.is_file():
        try:
            return path.read_text(encoding="utf-8"), True
        except UnicodeDecodeError:
            raise BadInput(
                f"{WORKSPACE_FILE} is not UTF-8 text.", hint="Save it as UTF-8."
            ) from None
    packaged = resources.files("socialproof") / "data" / "community" / "moderation.yaml"
    return packaged.read_text(encoding="utf-8"), False


def _clean(raw: str) -> str:
    if "\x00" in raw:
        raise BadInput("The rules are not text (they hold binary data).", hint="Paste text.")
    if len(raw) > MAX_CHARS:
        raise BadInput(
            f"The rules have {len(raw):,} characters; socialproof takes up to {MAX_CHARS:,}.",
            hint="Keep the terms and domains that matter.",
        )
    return raw.replace("\r\n", "\n").replace("\r", "\n")


def check_rules_text(text: str) -> Guidelines:
    """The guidelines a moderation.yaml text gives (the packaged defaults replaced key by
    key); BadInput naming moderation.yaml when it does not read."""
    from socialproof.community.moderation import WORKSPACE_FILE, guidelines

    text = _clean(text)
    with tempfile.TemporaryDirectory(prefix="socialproof-rules-") as tmp:
        path = Path(tmp) / WORKSPACE_FILE
        path.write_text(text, encoding="utf-8")
        try:
            return guidelines(path)
        except BadInput as exc:  # the messages name the file: the workspace's, not tmp's
            raise BadInput(
                exc.message.replace(str(path), WORKSPACE_FILE),
                hint=None if exc.hint is None else exc.hint.replace(str(path), WORKSPACE_FILE),
            ) from None


def save_rules_text(ws: Workspace, text: str) -> Path:
    """Write the workspace's moderation.yaml after the text reads; atomic."""
    from socialproof.community.moderation import WORKSPACE_FILE
    from socialproof.workspace.textfile import replace_text

    check_rules_text(text)
    path = Path(ws.root) / WORKSPACE_FILE
    try:  # keeps the file's line ends, byte-order mark and permissions
        replace_text(path, _clean(text))
    except OSError as exc:
        raise BadInput(
            f"Cannot write {path.name}: {exc.strerror or exc}.", hint="Check the permissions."
        ) from None
    return path


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
