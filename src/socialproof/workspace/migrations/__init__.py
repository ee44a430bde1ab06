"""Numbered schema migrations, applied in order and recorded in ``schema_migrations``.

A migration is a module ``mNNNN_<name>.py`` with ``def up(con) -> None`` taking a
DuckDB connection inside a transaction. Never edit a released migration: add a
new one. Ranges keep parallel work apart: 0001-0099 core, 0100 community,
0200 campaigns, 0300 content, 0400 careers and market, 0500 portfolio.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

_NAME = re.compile(r"^m(\d{4})_(\w+)$")


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    up: Callable[[Any], None]


def numbers() -> set[int]:
    """The migrations' numbers, from the module names alone (nothing imported)."""
    return {
        int(m.group(1)) for info in pkgutil.iter_modules(__path__) if (m := _NAME.match(info.name))
    }


def all_migrations() -> list[Migration]:
    found: list[Migration] = []
    for info in pkgutil.iter_modules(__path__):
        m = _NAME.match(info.name)
        if not m:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        found.append(Migration(int(m.group(1)), m.group(2), module.up))
    found.sort(key=lambda mig: mig.number)
    return found
