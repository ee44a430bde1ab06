from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

SAMPLES = (
    Path(__file__).resolve().parents[2] / "src" / "socialproof" / "data" / "samples" / "content"
)


@pytest.fixture
def planned(workspace: Any) -> Any:
    """The workspace with the packaged sample posts in content/ (timezone Europe/Berlin)."""
    workspace.settings.timezone = "Europe/Berlin"
    for path in SAMPLES.glob("*.md"):
        shutil.copy(path, workspace.root / "content" / path.name)
    return workspace
