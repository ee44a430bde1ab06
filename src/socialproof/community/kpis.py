"""Response KPIs, registered in the KPI registry over the ``threads`` view.

The view is :func:`socialproof.community.threads.threads_view`: one row per
customer thread with ``answered``, ``resolved`` and ``within_sla`` as 0/1 and the
times in seconds. Every formula is a ratio of sums, so it holds for any grouping
(platform, channel, agent, week). Medians and 90th percentiles, which are not
ratios of sums, are in the community report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from socialproof.metrics.ops import safe_div
from socialproof.metrics.registry import kpi

if TYPE_CHECKING:
    import ibis.expr.types as ir

THREADS = "threads"
RESPONSE_SOURCE = (
    "KNOWLEDGE.md, Response metrics (Hootsuite Inbox first response time, Sprout Social "
    "reply time, Meta response rate); definitions in socialproof.community.threads"
)


@kpi(
    "threads",
    "Customer threads",
    formula_text="count(threads with a customer message)",
    unit="count",
    better="neutral",
    tables=(THREADS,),
    source=RESPONSE_SOURCE,
)
def _threads(t: ir.Table) -> ir.Scalar:
    return t.count()


@kpi(
    "response_rate",
    "Response rate",
    formula_text="sum(answered) / count(threads)",
    unit="percent",
    better="higher",
    tables=(THREADS,),
    source=RESPONSE_SOURCE,
    base="customer threads",
)
def _response_rate(t: ir.Table) -> ir.Scalar:
    """Share of customer threads with a brand reply after the first customer message."""
    return safe_div(t.answered.sum(), t.count())


@kpi(
    "response_rate_sla",
    "Response rate within SLA",
    formula_text="sum(first response <= sla_hours) / count(threads)",
    unit="percent",
    better="higher",
    tables=(THREADS,),
    source=RESPONSE_SOURCE + "; SLA from settings community.sla_hours",
    base="customer threads",
)
def _response_rate_sla(t: ir.Table) -> ir.Scalar:
    """Unanswered threads count as misses."""
    return safe_div(t.within_sla.sum(), t.count())


@kpi(
    "first_response_time",
    "Average first response time",
    formula_text="sum(first_response_s) / sum(answered)",
    unit="seconds",
    better="lower",
    tables=(THREADS,),
    source=RESPONSE_SOURCE,
    base="answered threads",
)
def _first_response_time(t: ir.Table) -> ir.Scalar:
    """Mean time from the first customer message to the first brand reply."""
    return safe_div(t.first_response_s.sum(), t.answered.sum())


@kpi(
    "resolution_rate",
    "Resolution rate",
    formula_text="sum(resolved) / count(threads)",
    unit="percent",
    better="higher",
    tables=(THREADS,),
    source=RESPONSE_SOURCE,
    base="customer threads",
)
def _resolution_rate(t: ir.Table) -> ir.Scalar:
    """Threads whose last brand reply was not followed by the opener writing again."""
    return safe_div(t.resolved.sum(), t.count())


@kpi(
    "resolution_time",
    "Average resolution time",
    formula_text="sum(resolution_s) / sum(resolved)",
    unit="seconds",
    better="lower",
    tables=(THREADS,),
    source=RESPONSE_SOURCE,
    base="resolved threads",
)
def _resolution_time(t: ir.Table) -> ir.Scalar:
    """Mean time from the first customer message to the last brand reply, resolved threads."""
    return safe_div(t.resolution_s.sum(), t.resolved.sum())
