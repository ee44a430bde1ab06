"""Reading a community settings file (moderation guidelines, seed themes, routing rules).

One reader, so that a missing file and a file that is not YAML get the same one-line
errors whichever setting it holds; what the document must contain is each caller's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from socialproof.errors import BadInput, FileMissing

if TYPE_CHECKING:
    from pathlib import Path


def read_yaml(path: Path, what: str, fix: str) -> Any:
    """The YAML document in ``path`` (None when it is empty). ``what`` names the file in
    the not-found error ("Seed themes"); ``fix`` is the hint when it is not valid YAML."""
    import yaml

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise FileMissing(f"{what} {path} not found.", hint="Check the path.") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise BadInput(f"{path} is not valid YAML: {str(exc).splitlines()[0]}", hint=fix) from exc
