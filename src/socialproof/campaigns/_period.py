"""Parse and check the --since / --until dates every report takes."""

from __future__ import annotations

from datetime import date

from socialproof.errors import UsageError


def parse_day(value: str | date | None, *, option: str) -> date | None:
    """A YYYY-MM-DD date, or a usage error that says what was wrong."""
    if value is None or isinstance(value, date):
        return value
    text = value.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"{option} {value!r} is not a date.", hint="Use YYYY-MM-DD, e.g. 2026-03-01."
        ) from None


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
