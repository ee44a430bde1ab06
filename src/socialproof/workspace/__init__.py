"""The workspace: a folder a person owns, with settings, a DuckDB file and inputs."""

from __future__ import annotations

from socialproof.workspace._lock import generation
from socialproof.workspace.core import Workspace, find_workspace

__all__ = ["Workspace", "find_workspace", "generation"]
