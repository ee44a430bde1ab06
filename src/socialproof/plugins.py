"""Installed plugins: the entry points of one group, found without importlib.metadata.

``importlib.metadata.entry_points(group=...)`` costs about 35 ms in a new process, almost
all of it loading the module itself (it brings in ``email``, ``zipfile`` and ``csv``),
for every command that reads formats, KPIs, lint packs or portfolio themes. This reads
the same files the same way: each ``*.dist-info`` / ``*.egg-info`` folder on
``sys.path``, in importlib's order, the first of a name winning, and only the
``entry_points.txt`` files that name the group are parsed. A path entry importlib reads
differently (a zip file, an ``.egg``) sends the whole lookup to importlib itself.
``tests/test_plugins.py`` keeps the two in step on this environment and on made-up ones.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from dataclasses import dataclass
from functools import reduce
from typing import Any

_INFO_SUFFIXES = (".dist-info", ".egg-info")
# importlib.metadata.EntryPoint.pattern
_VALUE = re.compile(r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$")


@dataclass(frozen=True)
class EntryPoint:
    """One entry point: ``name = value`` in ``[group]`` ("module:attr")."""

    name: str
    value: str
    group: str

    def load(self) -> Any:
        """The object the value names, as ``importlib.metadata.EntryPoint.load`` finds it."""
        match = _VALUE.match(self.value)
        if match is None:
            raise ValueError(f"not an entry point value: {self.value!r}")
        module = importlib.import_module(match.group("module"))
        attrs = filter(None, (match.group("attr") or "").split("."))
        return reduce(getattr, attrs, module)


def _normalize(name: str) -> str:
    """PEP 503 normalisation with underscores (importlib.metadata's ``Prepared``)."""
    return re.sub(r"[-_.]+", "-", name).lower().replace("-", "_")


def _parse(text: str, group: str) -> list[EntryPoint]:
    """The group's entries of an ``entry_points.txt`` (importlib's ``Sectioned`` reading)."""
    found: list[EntryPoint] = []
    section = None
    for line in map(str.strip, text.splitlines()):
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line.strip("[]")
            continue
        if section == group:
            # a line without '=' (importlib raises on it, for every group) becomes an entry
            # whose load() fails: the caller reports that plugin as broken, as any other
            name, _, value = line.partition("=")
            found.append(EntryPoint(name.strip(), value.strip(), group))
    return found


def _from_importlib(group: str) -> list[EntryPoint]:
    from importlib.metadata import entry_points as importlib_entry_points

    return [EntryPoint(ep.name, ep.value, group) for ep in importlib_entry_points(group=group)]


def entry_points(group: str) -> list[EntryPoint]:
    """Every installed entry point of ``group``, in ``importlib.metadata``'s order."""
    header = f"[{group}]"
    seen: set[str] = set()
    found: list[EntryPoint] = []
    for item in sys.path:
        entry = os.fspath(item) if isinstance(item, os.PathLike) else item
        if not isinstance(entry, str):
            return _from_importlib(group)  # bytes or other oddities: importlib's reading
        root = entry or "."
        if root.lower().endswith(".egg") or (os.path.exists(root) and not os.path.isdir(root)):
            return _from_importlib(group)  # an egg or a zip: importlib's own readers
        try:
            children = os.listdir(root)
        except OSError:
            continue
        infos: dict[str, list[str]] = {}
        for child in children:
            low = child.lower()
            if low.endswith(_INFO_SUFFIXES):
                key = _normalize(low.rpartition(".")[0].partition("-")[0])
                infos.setdefault(key, []).append(child)
        for key, folders in infos.items():
            for folder in folders:
                stem_name = folder.rpartition(".")[0].partition("-")[0]
                unique = _normalize(stem_name) if stem_name else key
                if unique in seen:
                    continue
                seen.add(unique)
                try:
                    with open(
                        os.path.join(root, folder, "entry_points.txt"), encoding="utf-8"
                    ) as fh:
                        text = fh.read()
                except OSError:  # no entry points (or a plain file named like a folder)
                    continue
                if header in text:
                    found.extend(_parse(text, group))
    return found
