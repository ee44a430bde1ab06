"""Property tests (hypothesis) for every KPI in the registry.

For every sum and ratio KPI of posts, ad rows and the daily account series:

- ratio of sums at any grouping: each group's figure is sum(numerator) /
  sum(denominator) over the group's rows where both are known (a reference
  aggregation in plain Python over the per-row parts);
- rows with a missing numerator or denominator never move a ratio, however
  large their other part;
- splitting the table by the grouping key and computing each piece alone
  gives the grouped figure;
- 0 / 0 (and x / 0) is NULL, never 0 or infinity.

KPIs that are neither sums nor ratios are listed in NOT_SUMS_OR_RATIOS with the
reason, so a new KPI cannot slip past these checks unnoticed.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialproof.metrics import registry
from socialproof.metrics.registry import KPI
from socialproof.workspace import engine

TABLES = ("ad_stats", "posts", "account_daily")
NOT_SUMS_OR_RATIOS = {
    "posts": "a row count",
    "followers_gained": "last minus first follower count (or summed daily change)",
    "follower_growth_rate": "net change over the starting count, not a ratio of sums",
}
NUMERIC = {
    "ad_stats": (
        "spend",
        "impressions",
        "reach",
        "clicks",
        "link_clicks",
        "results",
        "purchases",
        "purchase_value",
        "leads",
        "video_views",
        "video_completions",
    ),
    "posts": (
        "followers",
        "impressions",
        "reach",
        "views",
        "reactions",
        "comments",
        "shares",
        "saves",
        "clicks",
        "link_clicks",
        "follows",
        "engagements",
        "video_views",
        "video_completions",
        "watch_time_s",
    ),
    "account_daily": ("followers", "follower_change", "reach", "impressions", "views"),
}
GROUPS = ("a", "b", "c")
PROFILE = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _kpis(table: str) -> list[KPI]:
    return [k for k in registry.all_kpis(table) if k.ratio is not None or k.summand is not None]


def _table(table: str, rows: list[dict[str, Any]]) -> Any:
    """An Ibis table over rows (every numeric column present, NULL where missing)."""
    import pyarrow as pa

    if table == "account_daily":  # the wide view the KPIs read
        fields = [pa.field("platform", pa.string()), pa.field("account", pa.string())]
        fields += [pa.field("date", pa.date32()), pa.field("campaign", pa.string())]
        fields += [pa.field(c, pa.float64()) for c in NUMERIC[table]]
        schema = pa.schema(fields)
        data = pa.Table.from_pylist(
            [{f.name: r.get(f.name) for f in fields} for r in rows], schema=schema
        )
        return engine.memory_backend({table: data}).table(table)
    from tests.metrics.conftest import _canonical

    return _canonical(table, rows)


def _value() -> st.SearchStrategy[int | None]:
    return st.one_of(st.none(), st.just(0), st.integers(1, 5000))


def _rows(table: str, *, max_size: int = 12) -> st.SearchStrategy[list[dict[str, Any]]]:
    row = st.fixed_dictionaries(
        {"campaign": st.sampled_from(GROUPS), **{c: _value() for c in NUMERIC[table]}}
    )
    return st.lists(row, max_size=max_size).map(
        lambda rs: [_base(table, i, r) for i, r in enumerate(rs)]
    )


def _base(table: str, i: int, values: dict[str, Any]) -> dict[str, Any]:
    from datetime import date, datetime

    row = {"platform": "meta", "account": "acct", **values}
    if table == "posts":
        row |= {"post_id": str(i), "published_at": datetime(2026, 3, 1 + i % 28)}
    elif table == "ad_stats":
        row |= {"ad_set": "s", "ad": f"ad{i}", "date_start": date(2026, 3, 1), "breakdown": ""}
        row["date_stop"] = row["date_start"]
    else:
        row["date"] = date(2026, 3, 1 + i % 28)
    for c in ("spend", "purchase_value", "results", "purchases", "leads", "watch_time_s"):
        if row.get(c) is not None:
            row[c] = float(row[c])
    return row


def _null(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _grouped(t: Any, table: str, kpis: list[KPI], by: list[str]) -> dict[Any, dict[str, Any]]:
    df = engine.execute(registry.compute(t, kpis, table=table, by=by))
    out: dict[Any, dict[str, Any]] = {}
    for rec in df.to_dict("records"):
        out[tuple(rec[b] for b in by)] = rec
    return out


def _parts(t: Any, kpis: list[KPI]) -> dict[str, list[tuple[str, Any, Any]]]:
    """Per KPI, (group, numerator, denominator) per row; a sum's rows are (group, value, 0).

    One query for every KPI: the per-row parts side by side.
    """
    import ibis

    cols: dict[str, Any] = {"g": t.campaign}
    for i, k in enumerate(kpis):
        if k.ratio is not None:
            cols[f"n{i}"] = k.ratio.numerator(t)
            cols[f"d{i}"] = k.ratio.denominator(t)
        else:
            assert k.summand is not None
            cols[f"n{i}"] = k.summand(t)
            cols[f"d{i}"] = ibis.literal(0)
    recs = engine.execute(t.select(**cols)).to_dict("records")
    return {k.name: [(r["g"], r[f"n{i}"], r[f"d{i}"]) for r in recs] for i, k in enumerate(kpis)}


def _reference(k: KPI, parts: list[tuple[str, Any, Any]]) -> float | None:
    """The KPI from per-row parts, aggregated in plain Python."""
    if k.ratio is None:
        known = [n for _, n, _ in parts if not _null(n)]
        return float(sum(known)) if known else None
    both = [(n, d) for _, n, d in parts if not _null(n) and not _null(d)]
    den = sum(float(d) for _, d in both)
    if not both or den == 0:
        return None
    return sum(float(n) for n, _ in both) / den * k.ratio.scale


def _same(got: Any, want: float | None) -> bool:
    if want is None:
        return _null(got)
    return not _null(got) and got == pytest.approx(want, rel=1e-9, abs=1e-12)


def test_every_kpi_is_a_sum_or_a_ratio_or_listed() -> None:
    for table in TABLES:
        for k in registry.all_kpis(table):
            assert k.ratio is not None or k.summand is not None or k.name in NOT_SUMS_OR_RATIOS, (
                f"{k.name}: declare it with ratio_kpi / a summand, or list why it is neither"
            )


@pytest.mark.parametrize("table", TABLES)
@PROFILE
@given(data=st.data())
def test_ratio_of_sums_at_any_grouping(table: str, data: st.DataObject) -> None:
    rows = data.draw(_rows(table))
    t = _table(table, rows)
    kpis = _kpis(table)
    total = _grouped(t, table, kpis, [])
    grouped = _grouped(t, table, kpis, ["campaign"])
    parts = _parts(t, kpis)
    for k in kpis:
        assert _same(total[()][k.name], _reference(k, parts[k.name])), (k.name, rows)
        for (g,), rec in grouped.items():
            mine = [p for p in parts[k.name] if p[0] == g]
            assert _same(rec[k.name], _reference(k, mine)), (k.name, g, rows)


@pytest.mark.parametrize("table", TABLES)
@PROFILE
@given(data=st.data())
def test_rows_missing_a_part_never_move_a_ratio(table: str, data: st.DataObject) -> None:
    rows = data.draw(_rows(table, max_size=8))
    # each extra row carries ONE huge figure and nothing else: every ratio lacks one part
    extra_cols = data.draw(st.lists(st.sampled_from(NUMERIC[table]), min_size=1, max_size=6))
    extra = [
        _base(table, 100 + i, {"campaign": GROUPS[i % 3], c: 10**6})
        for i, c in enumerate(extra_cols)
    ]
    ratios = [k for k in _kpis(table) if k.ratio is not None]
    if not ratios:
        return
    before = _grouped(_table(table, rows), table, ratios, [])[()]
    after = _grouped(_table(table, rows + extra), table, ratios, [])[()]
    for k in ratios:
        if _null(before[k.name]):
            assert _null(after[k.name]), (k.name, extra_cols)
        else:
            assert after[k.name] == pytest.approx(before[k.name], rel=1e-12), (k.name, extra_cols)


@pytest.mark.parametrize("table", TABLES)
@PROFILE
@given(data=st.data())
def test_each_piece_alone_gives_the_grouped_figure(table: str, data: st.DataObject) -> None:
    rows = data.draw(_rows(table))
    t = _table(table, rows)
    kpis = _kpis(table)
    grouped = _grouped(t, table, kpis, ["campaign"])
    for (g,), rec in grouped.items():
        piece = _table(table, [r for r in rows if r["campaign"] == g])
        alone = _grouped(piece, table, kpis, [])[()]
        for k in kpis:
            want = None if _null(alone[k.name]) else float(alone[k.name])
            assert _same(rec[k.name], want), (k.name, g)


@pytest.mark.parametrize("table", TABLES)
@PROFILE
@given(data=st.data())
def test_zero_denominators_give_null(table: str, data: st.DataObject) -> None:
    """Every denominator column 0: each ratio is x / 0 or 0 / 0 in every group, so NULL."""
    ratios = [k for k in _kpis(table) if k.ratio is not None]
    if not ratios:
        return
    dens = set().union(*(_columns_of(k, table) for k in ratios))
    rows = data.draw(_rows(table, max_size=6))
    for r in rows:
        r.update({c: 0.0 if isinstance(r.get(c), float) else 0 for c in dens})
    t = _table(table, rows)
    for rec in [
        *_grouped(t, table, ratios, []).values(),
        *_grouped(t, table, ratios, ["campaign"]).values(),
    ]:
        for k in ratios:
            assert _null(rec[k.name]), (k.name, rec[k.name])


def _columns_of(k: KPI, table: str) -> set[str]:
    """The columns a ratio's denominator reads."""
    import ibis.expr.operations as ops

    assert k.ratio is not None
    den = k.ratio.denominator(_table(table, []))
    return {f.name for f in den.op().find(ops.Field)}
