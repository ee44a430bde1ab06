"""Split a Markdown file into YAML front matter and body, keeping line numbers.

Errors name the file and the line so a person can find what to fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from socialproof.errors import BadInput

if TYPE_CHECKING:
    from pathlib import Path

_FENCE = "---"


@dataclass
class Document:
    path: Path
    meta: dict[str, Any]
    body: str
    body_line: int  # 1-based line where the body starts
    key_lines: dict[str, int]  # top-level key -> 1-based line in the file


def read_document(path: Path, *, text: str | None = None) -> Document:
    """Parse ``---``-fenced YAML front matter and the Markdown body of ``path``."""
    import yaml

    if text is None:
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise BadInput(f"{path} does not exist.", hint="Check the path.") from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise BadInput(
                f"{path}: not UTF-8 text (byte {exc.start}).",
                hint="Save the file as UTF-8.",
            ) from None
    lines = text.splitlines()
    if not lines or lines[0].strip() != _FENCE:
        raise BadInput(
            f"{path}:1: missing front matter.",
            hint="Start the file with a line '---', the YAML fields, then another '---'.",
        )
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() in (_FENCE, "..."))
    except StopIteration:
        raise BadInput(
            f"{path}:1: the front matter is never closed.",
            hint="Add a line '---' after the YAML fields.",
        ) from None
    block = "\n".join(lines[1:end])
    from socialproof.workspace.textfile import yaml_alias_line

    alias = yaml_alias_line(block) if "*" in block else None
    if alias is not None:  # nested aliases stand for billions of values
        raise BadInput(
            f"{path}:{alias + 1}: the front matter reuses a value through an alias ('*name').",
            hint="Write the value out; anchors and aliases (&name, *name) are not read.",
        )
    try:
        meta = yaml.safe_load(block) if block.strip() else {}
    except yaml.YAMLError as exc:
        line = 1
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            line = mark.line + 2
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise BadInput(f"{path}:{line}: invalid YAML: {problem}.", hint="Fix the YAML.") from None
    except (ValueError, OverflowError) as exc:  # a YAML date that cannot exist
        raise BadInput(f"{path}: invalid value: {exc}.", hint="Check the dates.") from None
    if not isinstance(meta, dict):
        raise BadInput(
            f"{path}:2: the front matter must be a mapping of fields (key: value), "
            f"not {type(meta).__name__}.",
            hint="Write one 'field: value' per line.",
        )
    key_lines: dict[str, int] = {}
    for number, text_line in enumerate(lines[1:end], start=2):
        if (
            text_line
            and not text_line[0].isspace()
            and ":" in text_line
            and not text_line.startswith("#")
        ):
            key_lines.setdefault(text_line.split(":", 1)[0].strip().strip("'\""), number)
    body = "\n".join(lines[end + 1 :])
    return Document(path, {str(k): v for k, v in meta.items()}, body, end + 2, key_lines)
