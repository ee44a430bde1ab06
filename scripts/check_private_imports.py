"""Fail when a module uses another module's private (`_name`) names.

import-linter checks modules, not names, so this script keeps the other half
of the architecture rule (docs/architecture.md): a name that starts with one
underscore belongs to the module that defines it. It reports, as
`path:line: message`, every

- `from socialproof.x import _name` where `_name` is not a submodule (a private
  module may be imported inside its own package; the import-linter
  `private_modules` contract keeps it there);
- `module._name` attribute use, where `module` was bound by an import of a
  socialproof module.

Dunder names (`__version__`) are public. Exit status 1 when anything is found.

Usage: python scripts/check_private_imports.py [SRC_DIR]   (default: src)
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT_PACKAGE = "socialproof"


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _module_name(path: Path, src: Path) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _resolve(current: str, is_package: bool, module: str | None, level: int) -> str:
    """The absolute module named by a (possibly relative) `from` import."""
    if level == 0:
        return module or ""
    base = current.split(".")
    if not is_package:
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, module] if module else base)


class _Checker:
    def __init__(self, src: Path) -> None:
        self.src = src
        self.modules: set[str] = set()
        for path in src.rglob("*.py"):
            self.modules.add(_module_name(path, src))

    def check_file(self, path: Path) -> list[str]:
        current = _module_name(path, self.src)
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        shown = path.as_posix()
        problems: list[str] = []
        module_aliases: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] != ROOT_PACKAGE:
                        continue
                    if alias.asname:
                        module_aliases[alias.asname] = alias.name
            elif isinstance(node, ast.ImportFrom):
                source = _resolve(current, is_package, node.module, node.level)
                if source.split(".")[0] != ROOT_PACKAGE:
                    continue
                for alias in node.names:
                    full = f"{source}.{alias.name}"
                    if full in self.modules:
                        module_aliases[alias.asname or alias.name] = full
                        continue
                    if _is_private(alias.name) and source != current:
                        problems.append(
                            f"{shown}:{node.lineno}: imports private name "
                            f"{alias.name!r} from {source}"
                        )
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in module_aliases
                and _is_private(node.attr)
                and f"{module_aliases[node.value.id]}.{node.attr}" not in self.modules
                and module_aliases[node.value.id] != current
            ):
                problems.append(
                    f"{shown}:{node.lineno}: uses private name {node.attr!r} "
                    f"of {module_aliases[node.value.id]}"
                )
        return problems

    def check(self) -> list[str]:
        problems: list[str] = []
        for path in sorted(self.src.rglob("*.py")):
            problems.extend(self.check_file(path))
        return problems


def main(argv: list[str]) -> int:
    src = Path(argv[0]) if argv else Path("src")
    if not (src / ROOT_PACKAGE).is_dir():
        print(f"Error: no {ROOT_PACKAGE} package under {src}", file=sys.stderr)
        return 2
    problems = _Checker(src).check()
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} private name(s) used across modules", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
