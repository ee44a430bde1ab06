"""Where each theme should go: support, PR or product (or "review"), by keyword rules.

The rules are data: the packaged ``data/community/routing.yaml``, replaced by a
workspace's ``routing.yaml`` (:func:`workspace_routing`) or any file or mapping
(:func:`routing`). A theme goes to the destination whose keywords its label, keywords
and most central messages match most (:meth:`Routing.route`).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialproof.community.theme_text import theme_words
from socialproof.community.yaml_file import read_yaml
from socialproof.errors import BadInput

if TYPE_CHECKING:
    from collections.abc import Mapping

    from socialproof.community.themes import Theme

ROUTING_FILE = "routing.yaml"


@dataclass(frozen=True)
class Rule:
    destination: str
    keywords: tuple[str, ...]
    why: str


@dataclass(frozen=True)
class Routing:
    """Keyword rules: the destination whose keywords a theme matches most wins."""

    rules: tuple[Rule, ...]
    default: str = "review"
    source: str = "packaged defaults"

    def route(self, theme: Theme) -> tuple[str, str]:
        words = set(theme.keywords)
        text = " ".join(theme.representatives + [theme.label]).lower()
        tokens = set(theme_words(text)) | words
        best: tuple[int, str, list[str], str] = (0, self.default, [], "")
        for rule in self.rules:
            hits = [kw for kw in rule.keywords if (kw in tokens if " " not in kw else kw in text)]
            score = sum(2 if kw in words else 1 for kw in hits)
            if score > best[0]:
                best = (score, rule.destination, hits, rule.why)
        if best[0] == 0:
            return self.default, "no routing rule matched"
        return best[1], f"{best[3]}: " + ", ".join(best[2][:4])


def _routing_defaults() -> dict[str, Any]:
    import yaml

    text = (resources.files("socialproof") / "data" / "community" / "routing.yaml").read_text(
        encoding="utf-8"
    )
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def routing(source: Path | Mapping[str, Any] | None = None) -> Routing:
    """Packaged routing rules, or a workspace/custom file that replaces them."""
    label = "packaged defaults"
    if isinstance(source, Path):
        data = (
            read_yaml(source, "Routing rules", "Fix it, or delete it to use the packaged rules.")
            or {}
        )
        label = str(source)
    elif source is not None:
        data = dict(source)
        label = "custom rules"
    else:
        data = _routing_defaults()
    if not isinstance(data, dict) or not isinstance(data.get("destinations"), dict):
        raise BadInput(
            f"Routing rules ({label}) need a 'destinations' mapping "
            "(destination: {keywords: [...], why: ...}).",
            hint="Start from the packaged socialproof/data/community/routing.yaml.",
        )
    rules = []
    for dest, spec in data["destinations"].items():
        if not isinstance(spec, dict) or not isinstance(spec.get("keywords"), list):
            raise BadInput(
                f"Routing destination {dest!r} needs a 'keywords' list.", hint="Fix routing.yaml."
            )
        kws = tuple(str(k).strip().lower() for k in spec["keywords"] if str(k).strip())
        rules.append(Rule(str(dest), kws, str(spec.get("why", dest))))
    return Routing(tuple(rules), str(data.get("default", "review")), label)


def workspace_routing(root: Path) -> Routing:
    path = Path(root) / ROUTING_FILE
    return routing(path if path.exists() else None)
