"""Write docs/cli.md and docs/settings.md from the code. Run: make docs."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("COLUMNS", "100")

from socialproof.cli.reference import cli_reference, settings_reference_md  # noqa: E402

DOCS = Path(__file__).resolve().parent.parent / "docs"
(DOCS / "cli.md").write_text(cli_reference() + "\n", encoding="utf-8")
(DOCS / "settings.md").write_text(settings_reference_md(), encoding="utf-8")
print(f"wrote {DOCS / 'cli.md'} and {DOCS / 'settings.md'}")
