"""Site themes, registered through the ``socialproof.themes`` entry point group.

A theme is a folder of Jinja2 templates plus a stylesheet; templates a theme
does not override come from ``common/``. Third parties register a
:class:`Theme` object under the same entry point group.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from socialproof.errors import UsageError

HERE = Path(__file__).parent
ENTRY_POINT_GROUP = "socialproof.themes"


@dataclass(frozen=True)
class Theme:
    name: str
    label: str
    folder: Path  # templates and style.css; falls back to common/

    @property
    def stylesheet(self) -> str:
        own = self.folder / "style.css"
        base = (HERE / "common" / "base.css").read_text(encoding="utf-8")
        return base + "\n" + (own.read_text(encoding="utf-8") if own.exists() else "")


BROKEN: dict[str, str] = {}  # third-party themes that failed to load, with why

classic = Theme("classic", "Classic: one column, serif headings, calm", HERE / "classic")
studio = Theme("studio", "Studio: bold, card grid, dark header", HERE / "studio")


def available_themes() -> dict[str, Theme]:
    from socialproof.plugins import entry_points

    found: dict[str, Theme] = {"classic": classic, "studio": studio}
    for ep in entry_points(ENTRY_POINT_GROUP):
        try:
            obj = ep.load()
        except Exception as exc:  # a broken third-party theme must not break the build
            BROKEN[ep.name] = f"{type(exc).__name__}: {exc}"
            continue
        if isinstance(obj, Theme):
            found[obj.name] = obj
    return found


def get_theme(name: str) -> Theme:
    themes = available_themes()
    if name not in themes:
        raise UsageError(
            f"Unknown theme {name!r}.", hint=f"Use one of: {', '.join(sorted(themes))}."
        )
    return themes[name]
