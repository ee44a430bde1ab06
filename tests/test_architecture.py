"""The architecture checks of `make lint` also fail the test suite (docs/architecture.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECKER = ROOT / "scripts" / "check_private_imports.py"


def _check_private(src: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(CHECKER), str(src)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_import_contracts_are_kept(capsys: pytest.CaptureFixture[str]) -> None:
    from importlinter.cli import lint_imports

    code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    out = capsys.readouterr().out
    assert code == 0, out
    assert "3 kept, 0 broken" in out


def test_no_private_name_is_used_across_modules() -> None:
    done = _check_private(ROOT / "src")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == ""


def _write(root: Path, name: str, text: str) -> None:
    path = root / "socialproof" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_private_checker_reports_each_use_with_its_line(tmp_path: Path) -> None:
    _write(tmp_path, "__init__.py", "")
    _write(tmp_path, "a.py", "_hidden = 1\n__version__ = '1'\nshown = 2\n")
    _write(tmp_path, "pkg/__init__.py", "")
    _write(tmp_path, "pkg/_helpers.py", "def _inner() -> None: ...\n")
    _write(
        tmp_path,
        "pkg/user.py",
        "from socialproof.pkg import _helpers\n"  # a private module, inside its package: fine
        "from socialproof.a import __version__, shown\n"  # dunder and public names: fine
        "from socialproof.a import _hidden\n"  # line 3: private name of another module
        "from .. import a as other\n"
        "print(other._hidden, _helpers._inner)\n",  # line 5: both are another module's
    )
    _write(tmp_path, "b.py", "def _own() -> None: ...\n\n_own()\nfrom socialproof.b import _own\n")

    done = _check_private(tmp_path)

    assert done.returncode == 1
    lines = sorted(done.stdout.splitlines())
    user = (tmp_path / "socialproof" / "pkg" / "user.py").as_posix()
    assert lines == [
        f"{user}:3: imports private name '_hidden' from socialproof.a",
        f"{user}:5: uses private name '_hidden' of socialproof.a",
        f"{user}:5: uses private name '_inner' of socialproof.pkg._helpers",
    ]
    assert "3 private name(s)" in done.stderr


def test_private_checker_passes_a_clean_tree_and_rejects_a_wrong_folder(tmp_path: Path) -> None:
    _write(tmp_path, "__init__.py", "")
    _write(
        tmp_path,
        "a.py",
        "def public() -> int:\n    return _private()\n\n\ndef _private() -> int: ...\n",
    )
    _write(tmp_path, "b.py", "from socialproof.a import public\n")
    assert _check_private(tmp_path).returncode == 0

    missing = _check_private(tmp_path / "nowhere")
    assert missing.returncode == 2
    assert missing.stderr.startswith("Error: ")
