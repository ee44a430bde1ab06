"""Parse and check the --since / --until dates every report takes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from socialproof.errors import UsageError
from socialproof.metrics.days import parse_day

if TYPE_CHECKING:
    from datetime import date

__all__ = ["date_range", "parse_day"]


def date_range(
    since: str | date | None, until: str | date | None
) -> tuple[date | None, date | None]:
    """Both ends parsed; a usage error when the range is empty."""
    start = parse_day(since, option="--since")
    end = parse_day(until, option="--until")
    if start is not None and end is not None and start > end:
        raise UsageError(
            f"--since {start} is after --until {end}.", hint="Swap them or widen the range."
        )
    return start, end
