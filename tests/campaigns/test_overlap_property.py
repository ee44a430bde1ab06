"""Property: however one campaign's days are exported (per ad plain, by age, by gender,
several of those, or at campaign level on days without ad rows), each day counts once
and the report's spend is the campaign's true spend."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

AGES = ("18-24", "25-34")
GENDERS = ("female", "male")
KINDS = ("plain", "age", "gender")

# per (ad, day): its spend in cents and how it was exported (at least one way)
_ad_day = st.tuples(st.integers(1, 5000), st.sets(st.sampled_from(KINDS), min_size=1))
_day = st.one_of(
    st.just(None),  # the campaign has no ad rows that day
    st.lists(_ad_day, min_size=1, max_size=3),
)


def _split(cents: int, parts: int) -> list[int]:
    """``cents`` in ``parts`` whole-cent pieces that add up to it."""
    base = cents // parts
    return [base + (1 if i < cents % parts else 0) for i in range(parts)]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(days=st.lists(_day, min_size=1, max_size=4), campaign_only=st.integers(1, 9000))
def test_each_day_of_a_campaign_counts_once(
    tmp_path_factory: Any, days: list[Any], campaign_only: int
) -> None:
    import pyarrow as pa

    from socialproof.campaigns.report import campaign_report
    from socialproof.ingest.sameness import with_object_keys
    from socialproof.workspace import Workspace, engine
    from socialproof.workspace.schema import CANONICAL
    from socialproof.workspace.settings import settings_from_dict

    ws = Workspace.init(
        tmp_path_factory.mktemp("ws") / "ws",
        settings=settings_from_dict({"owner": "T", "timezone": "UTC"}),
    )
    rows: list[dict[str, Any]] = []
    truth = 0

    def row(day: date, ad: str, cents: int, breakdown: str = "") -> dict[str, Any]:
        return {
            "platform": "meta",
            "account": "acme",
            "campaign": "C",
            "ad_set": "S" if ad else None,
            "ad": ad or None,  # a campaign-level export has no ad columns
            "date_start": day,
            "date_stop": day,
            "breakdown": breakdown,
            "currency": "USD",
            "spend": cents / 100,
            "impressions": cents,
        }

    for i, ads in enumerate(days):
        day = date(2026, 3, 1) + timedelta(days=i)
        if ads is None:
            rows.append(row(day, "", campaign_only))
            truth += campaign_only
            continue
        total = 0
        for n, (cents, kinds) in enumerate(ads):
            ad = f"Ad {n}"
            total += cents
            if "plain" in kinds:
                rows.append(row(day, ad, cents))
            for kind, values in (("age", AGES), ("gender", GENDERS)):
                if kind in kinds:
                    for value, part in zip(values, _split(cents, 2), strict=True):
                        rows.append(row(day, ad, part, f"{kind}={value}"))
        truth += total
        if i % 2 == 0:  # the campaign-level export of the same day: ad rows count instead
            rows.append(row(day, "", total))
    with ws.transaction() as con:
        engine.upsert(con, CANONICAL["ad_stats"], with_object_keys(pa.Table.from_pylist(rows)))
    [got] = campaign_report(ws, by="campaign").frame.to_dict("records")
    assert round(got["spend"] * 100) == truth
    assert got["impressions"] == truth
