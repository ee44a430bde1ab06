"""A team's known themes (seed themes): a name and example phrases for each.

:func:`seeds` reads them from a YAML file or a mapping (``themes: [{name, examples:
[...]}, ...]``), :func:`workspace_seeds` from a workspace's ``community/themes.yaml``;
the clustering gives each its own theme (see ``themes.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialproof.community.theme_text import content
from socialproof.community.yaml_file import read_yaml
from socialproof.errors import BadInput

if TYPE_CHECKING:
    from collections.abc import Mapping

SEEDS_FILE = "community/themes.yaml"


@dataclass(frozen=True)
class Seed:
    """A known theme: its name and phrases that say it ("lost luggage": "bag never arrived")."""

    name: str
    examples: tuple[str, ...]


def seeds(source: Path | Mapping[str, Any] | None) -> tuple[Seed, ...]:
    """Seed themes from a YAML file or a mapping: ``themes: [{name, examples: [...]}, ...]``."""
    if source is None:
        return ()
    label = str(source) if isinstance(source, Path) else "seed themes"
    if isinstance(source, Path):
        data = read_yaml(
            source,
            "Seed themes",
            "Fix it, or delete it to let socialproof find every theme itself.",
        )
    else:
        data = dict(source)
    if data is None:
        return ()
    example = "themes:\n  - name: lost luggage\n    examples: [bag never arrived]"
    items = data.get("themes") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise BadInput(
            f"{label} needs a 'themes' list of {{name, examples}} entries.",
            hint=f"For example: {example!r}.",
        )
    out: list[Seed] = []
    names: set[str] = set()
    for i, item in enumerate(items, 1):
        name = item.get("name") if isinstance(item, dict) else None
        examples = item.get("examples") if isinstance(item, dict) else None
        if not isinstance(name, str) or not name.strip():
            raise BadInput(f"{label}: theme {i} has no name.", hint=f"For example: {example!r}.")
        if (
            not isinstance(examples, list)
            or not examples
            or not all(isinstance(x, str) and x.strip() for x in examples)
        ):
            raise BadInput(
                f"{label}: theme {name!r} needs a list of example phrases.",
                hint=f"For example: {example!r}.",
            )
        if not any(content(x) for x in examples):
            raise BadInput(
                f"{label}: the examples of theme {name!r} are only handles, links or numbers.",
                hint="Give phrases a customer would write, e.g. 'my bag never arrived'.",
            )
        key = name.strip().lower()
        if key in names:
            raise BadInput(f"{label}: theme {name!r} is listed twice.", hint="Merge the entries.")
        names.add(key)
        out.append(Seed(name.strip(), tuple(x.strip() for x in examples)))
    return tuple(out)


def workspace_seeds(root: Path) -> tuple[Seed, ...]:
    """A workspace's seed themes (``community/themes.yaml``), or none."""
    path = Path(root) / SEEDS_FILE
    return seeds(path) if path.exists() else ()
