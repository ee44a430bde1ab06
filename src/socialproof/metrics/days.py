"""One parser for the YYYY-MM-DD days every report and explanation takes."""

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
