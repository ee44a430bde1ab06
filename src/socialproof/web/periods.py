"""Date ranges a dashboard offers: presets, custom ranges and the range to compare with.

Ranges are whole days, both ends included. Presets count back from an anchor
day (the last day the workspace has data for, or today if that is earlier), so
"last 28 days" of an export that ended in April shows April, not an empty page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from socialproof.errors import UsageError

PRESETS: tuple[tuple[str, str], ...] = (
    ("7d", "Last 7 days"),
    ("28d", "Last 28 days"),
    ("90d", "Last 90 days"),
    ("month", "This month"),
    ("last-month", "Last month"),
    ("quarter", "This quarter"),
    ("last-quarter", "Last quarter"),
    ("custom", "Custom range"),
)
COMPARES: tuple[tuple[str, str], ...] = (
    ("previous", "Previous period"),
    ("year", "Same period last year"),
    ("none", "No comparison"),
)


@dataclass(frozen=True)
class Range:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def label(self) -> str:
        if self.start == self.end:
            return self.start.isoformat()
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


def _quarter_start(d: date) -> date:
    return date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def _parse(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            f"The {what} date {text!r} is not a date.", hint="Use YYYY-MM-DD, e.g. 2026-03-01."
        ) from None


def parse_range(start: str, end: str) -> tuple[date | None, date | None]:
    """Optional From / To dates of a form (blank: open), checked to be in order."""
    s = _parse(start, "From") if start.strip() else None
    e = _parse(end, "To") if end.strip() else None
    if s is not None and e is not None and s > e:
        raise UsageError(f"From {s} is after To {e}.", hint="Swap the dates or widen the range.")
    return s, e


def resolve(preset: str, anchor: date, start: str = "", end: str = "") -> Range:
    """The range a preset (or a custom ``start``/``end``) names, counted back from ``anchor``."""
    if preset == "custom":
        if not start.strip() or not end.strip():
            raise UsageError(
                "A custom range needs both a start and an end date.",
                hint="Fill in both dates, or pick a preset.",
            )
        s, e = _parse(start, "start"), _parse(end, "end")
        if s > e:
            raise UsageError(f"The start {s} is after the end {e}.", hint="Swap the dates.")
        return Range(s, e)
    if preset in ("7d", "28d", "90d"):
        n = int(preset[:-1])
        return Range(anchor - timedelta(days=n - 1), anchor)
    if preset == "month":
        return Range(anchor.replace(day=1), anchor)
    if preset == "last-month":
        end_ = anchor.replace(day=1) - timedelta(days=1)
        return Range(end_.replace(day=1), end_)
    if preset == "quarter":
        return Range(_quarter_start(anchor), anchor)
    if preset == "last-quarter":
        end_ = _quarter_start(anchor) - timedelta(days=1)
        return Range(_quarter_start(end_), end_)
    raise UsageError(
        f"Unknown date range {preset!r}.",
        hint="Choose one of: " + ", ".join(label for _, label in PRESETS) + ".",
    )


def _minus_year(d: date) -> date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year - 1, day=28)


def comparison(current: Range, compare: str) -> Range | None:
    """The range to compare ``current`` with: the same number of days just before, or the
    same days a year earlier; None for no comparison."""
    if compare == "none":
        return None
    if compare == "previous":
        end = current.start - timedelta(days=1)
        return Range(end - timedelta(days=current.days - 1), end)
    if compare == "year":
        return Range(_minus_year(current.start), _minus_year(current.end))
    raise UsageError(
        f"Unknown comparison {compare!r}.",
        hint="Choose the previous period, the same period last year, or none.",
    )
