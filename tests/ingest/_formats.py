"""Helpers for the platform-format tests: read a fixture the way the importer does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from socialproof.ingest.base import ReadContext, ReadResult
from socialproof.ingest.registry import registry
from socialproof.ingest.sources import open_source

DATA = Path(__file__).parent.parent / "data" / "ingest"


def detect(path: Path) -> tuple[str, float]:
    source = open_source(path)
    fmt, confidence = registry().choose(source)
    return fmt.name, confidence


def read(path: Path, expected_format: str, **ctx: Any) -> ReadResult:
    """Open ``path``, check autodetection picks ``expected_format``, read it."""
    source = open_source(path)
    fmt, _ = registry().choose(source)
    assert fmt.name == expected_format
    return fmt.read(source, ReadContext(**ctx))


def rows(result: ReadResult, table: str) -> list[dict[str, Any]]:
    return result.tables[table].to_pylist()
