"""`socialproof --help` must stay fast: no heavy library is imported at start-up."""

from __future__ import annotations

import subprocess
import sys

HEAVY = (
    "pandas",
    "pyarrow",
    "numpy",
    "ibis",
    "sklearn",
    "scipy",
    "duckdb",
    "torch",
    "altair",
    "weasyprint",
    "statsmodels",
    "model2vec",
    "openpyxl",
    "jinja2",
)


def _loaded_after(code: str) -> set[str]:
    probe = (
        "import sys\n" + code + "\nprint(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_import_socialproof_is_light() -> None:
    loaded = _loaded_after("import socialproof, socialproof.errors")
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_help_loads_no_heavy_modules() -> None:
    code = (
        "import sys\nsys.argv = ['socialproof', '--help']\n"
        "from socialproof.cli.main import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass"
    )
    loaded = _loaded_after(code)
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_every_subcommand_help_is_light() -> None:
    code = (
        "from socialproof.cli.main import main\n"
        "import typer, click\n"
        "from socialproof.cli.main import app\n"
        "root = typer.main.get_command(app)\n"
        "import io, contextlib\n"
        "for name in root.commands:\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        "        main([name, '--help'])"
    )
    loaded = _loaded_after(code)
    assert not loaded & set(HEAVY), loaded & set(HEAVY)
