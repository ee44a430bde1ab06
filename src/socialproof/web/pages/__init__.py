"""The workbench's pages: one module per area, found by :func:`page_modules`.

A page module exposes ``router`` (a FastAPI ``APIRouter``) and may expose ``NAV``
(a :class:`~socialproof.web.templating.NavEntry`, or a tuple of them) to appear in
the main navigation. Adding a module here is all it takes to add a page: the app
includes every module's router. See ``web/README.md``.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import ModuleType


def page_modules() -> list[ModuleType]:
    """Every module of this package, imported, in name order."""
    modules = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        modules.append(importlib.import_module(f"{__name__}.{info.name}"))
    return modules
