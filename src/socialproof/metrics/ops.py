"""Small Ibis helpers the KPI formulas share: null-safe division and sums, local time.

Division by zero (or by a missing denominator) gives NULL, never an error or
infinity: a rate over no impressions is unknown, not zero.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ibis.expr.types as ir


def safe_div(numerator: ir.NumericValue, denominator: ir.NumericValue) -> ir.FloatingValue:
    """``numerator / denominator`` as a float; NULL when the denominator is 0 or NULL."""
    import ibis.expr.datatypes as dt

    num = numerator.cast(dt.float64)
    den = denominator.cast(dt.float64)
    return num / den.nullif(0.0)


def col_sum(t: ir.Table, column: str) -> ir.NumericScalar:
    """Sum of a column; NULL when every value is NULL (unknown stays unknown)."""
    return t[column].sum()


def zero(value: ir.NumericValue) -> ir.NumericValue:
    """NULL counts as 0 (for adding parts such as reactions + comments)."""
    return value.fill_null(0)


def interactions(t: ir.Table) -> ir.NumericValue:
    """Per-row interactions on a post.

    The platform's own engagement count where the export carries it; otherwise
    reactions + comments + shares + saves + clicks (all clicks, or link clicks
    when only those are exported) + follows gained from the post (LinkedIn's
    engagement rate counts follows). A row with none of these is NULL.
    """
    import ibis

    parts = [
        t.reactions,
        t.comments,
        t.shares,
        t.saves,
        t.clicks.coalesce(t.link_clicks),
        t.follows,
    ]
    any_known = ibis.or_(*[p.notnull() for p in parts])
    total = parts[0].fill_null(0)
    for p in parts[1:]:
        total = total + p.fill_null(0)
    fallback = ibis.ifelse(any_known, total, ibis.null("int64"))
    return t.engagements.coalesce(fallback)


def local_time(ts: ir.TimestampValue, timezone: str) -> ir.TimestampValue:
    """Naive UTC timestamps as naive wall-clock time in the workspace timezone.

    The conversion is engine-specific (DuckDB and Spark name it differently), so
    the engine adapter builds it.
    """
    from socialproof.workspace import engine

    return engine.local_time(ts, timezone)


PERIODS = {"day": "D", "week": "W", "month": "M"}


def bucket(ts: ir.TimestampValue | ir.DateValue, period: str) -> ir.DateValue:
    """The first day of the day / ISO week (Monday) / month holding ``ts``, as a date."""
    import ibis.expr.datatypes as dt

    unit = PERIODS[period]
    if unit == "D":
        return ts.cast(dt.date)
    return ts.truncate(unit).cast(dt.date)
