"""Rewriting a text file a person owns (a post, a case study, the profile) atomically,
the way it was written: its line ends (CRLF from a Windows editor), its byte-order mark,
its permissions, and through a symbolic link rather than over it."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

T = TypeVar("T")


def replace_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, through a temporary file of its own.

    ``text`` has '\n' line ends (posts are read that way); a file that is already there
    keeps its own line ends (CRLF from a Windows editor) and its byte-order mark, so the
    rewrite changes only what was meant to change. A new file gets '\n' and a mark only
    when ``text`` starts with one.
    """
    path = Path(os.path.realpath(path))  # a symlinked post: write its file, keep the link
    newline, bom = _file_style(path)
    existed = bom is not None
    marked = text.startswith("\ufeff")
    text = text.removeprefix("\ufeff")
    if bom is None:
        bom = marked
    if newline != "\n":
        text = text.replace("\r\n", "\n").replace("\n", newline)
    data = ("\ufeff" if bom else "") + text
    tmp = path.with_name(f"{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        tmp.write_bytes(data.encode("utf-8"))
        if existed:  # keep the file's permissions (a shared 0664, a private 0600)
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def _file_style(path: Path) -> tuple[str, bool | None]:
    """The line end a file mostly uses and whether it starts with a byte-order mark
    (``None``: there is no file to follow)."""
    try:
        raw = path.read_bytes()
    except OSError:
        return "\n", None
    crlf = raw.count(b"\r\n")
    lf = raw.count(b"\n") - crlf
    cr = raw.count(b"\r") - crlf
    newline = "\r\n" if crlf > max(lf, cr) else "\r" if cr > max(lf, crlf) else "\n"
    return newline, raw.startswith(b"\xef\xbb\xbf")


def yaml_alias_line(text: str) -> int | None:
    """The 1-based line of the first value a YAML text reuses through an alias ('*name'),
    or None. A few nested aliases stand for billions of values: files people write
    (a profile, a case study) are refused rather than expanded. Invalid YAML is None
    here; the reader reports it."""
    import yaml

    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = loader_class(text)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()
    seen: set[int] = set()
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return int(node.start_mark.line) + 1
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in node.value for n in pair)
    return None


# -- a workspace settings file edited as text (the workbench's YAML editors) --------------


def read_workspace_text(root: Path, name: str) -> str | None:
    """The text of the workspace file ``name``, or None when there is none; BadInput when
    it is not UTF-8."""
    from socialproof.errors import BadInput

    path = Path(root) / name
    if not path.is_file():
        return None
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise BadInput(f"{name} is not UTF-8 text.", hint="Save it as UTF-8.") from None


def clean_pasted(raw: str, what: str, *, max_chars: int, hint: str) -> str:
    """A pasted text with '\\n' line ends; BadInput for binary data or more than
    ``max_chars`` characters (``what`` names it: "The budgets"; ``hint`` says how to
    shorten it)."""
    from socialproof.errors import BadInput

    if "\x00" in raw:
        raise BadInput(f"{what} are not text (they hold binary data).", hint="Paste text.")
    if len(raw) > max_chars:
        raise BadInput(
            f"{what} have {len(raw):,} characters; socialproof takes up to {max_chars:,}.",
            hint=hint,
        )
    return raw.replace("\r\n", "\n").replace("\r", "\n")


def check_as_file(text: str, name: str, reader: Callable[[Path], T]) -> T:
    """What ``reader`` makes of ``text`` written to a file named ``name`` (in a temporary
    folder); its BadInput messages name ``name``, not the temporary path."""
    import tempfile

    from socialproof.errors import BadInput

    with tempfile.TemporaryDirectory(prefix="socialproof-text-") as tmp:
        path = Path(tmp) / name
        path.write_text(text, encoding="utf-8")
        try:
            return reader(path)
        except BadInput as exc:
            raise BadInput(
                exc.message.replace(str(path), name),
                hint=None if exc.hint is None else exc.hint.replace(str(path), name),
            ) from None


def write_workspace_text(root: Path, name: str, text: str) -> Path:
    """Write the workspace file ``name`` with :func:`replace_text`; BadInput when it
    cannot be written."""
    from socialproof.errors import BadInput

    path = Path(root) / name
    try:
        replace_text(path, text)
    except OSError as exc:
        raise BadInput(
            f"Cannot write {path.name}: {exc.strerror or exc}.", hint="Check the permissions."
        ) from None
    return path
