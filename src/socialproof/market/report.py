"""The market report as accessible HTML (the shared ``render.html.Report`` shell)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from socialproof.market.aggregate import MIN_POSTINGS, as_records

if TYPE_CHECKING:
    from collections.abc import Sequence

    from socialproof.market.aggregate import MarketData
    from socialproof.render.html import Report

_KIND_TITLES = {
    "skill": "Skills",
    "platform": "Platforms",
    "tool": "Tools",
    "kpi": "KPIs mentioned",
}


def _pct(v: Any) -> str:
    return f"{float(v):.0%}"


def market_report_html(data: MarketData, *, top: int = 15) -> Report:
    from socialproof.market.catalogue import load_catalogue
    from socialproof.render.charts import bar_chart, line_chart
    from socialproof.render.html import Report

    cat = load_catalogue()
    rep = Report(
        "Job market report", subtitle=f"{data.postings} analysed postings: {data.filter.describe()}"
    )
    summary = rep.section("Summary")
    rep.kpis(
        summary,
        [
            ("postings analysed", f"{data.postings:,}"),
            *[(k.replace("_", " "), f"{v:,}") for k, v in data.skipped.items()],
        ],
    )
    for note in data.notes:
        rep.paragraph(
            summary, note, kind="warn" if "withheld" in note or "Not analysed" in note else ""
        )

    for kind, df in data.demand.items():
        sec = rep.section(f"Demand: {_KIND_TITLES[kind]}")
        if df.empty:
            rep.paragraph(sec, "None found in these postings.")
            continue
        head = df.head(top)
        labels = [str(x) for x in head["label"]]
        chart = bar_chart(
            labels,
            [float(x) * 100 for x in head["share"]],
            title=f"Share of postings asking for each {kind} (top {len(head)})",
            value_label="% of postings",
            value_format="{:.0f}%",
        )
        rep.chart(sec, chart)
        rep.table(
            sec,
            [
                {
                    "item": r["label"],
                    "postings": int(r["postings"]),
                    "share": _pct(r["share"]),
                    "as must-have": _pct(r["must_share"]),
                }
                for r in as_records(head)
            ],
            caption=f"{_KIND_TITLES[kind]}: postings asking (of {data.postings})",
        )

    sec = rep.section("Who is hiring: role, seniority, industry, location")
    names = {
        "role_id": "Role",
        "seniority": "Seniority",
        "industry": "Industry",
        "remote_policy": "Remote policy",
        "location": "Location",
        "employment_type": "Employment type",
    }
    for dim, df in data.by_dimension.items():
        rows = [
            {
                names[dim]: (
                    cat.roles[str(r["value"])].title
                    if dim == "role_id" and str(r["value"]) in cat.roles
                    else str(r["value"])
                ),
                "postings": int(r["postings"]),
                "share": _pct(r["share"]),
            }
            for r in as_records(df.head(top))
        ]
        rep.table(sec, rows, caption=f"Postings by {names[dim].lower()}")

    sec = rep.section("Top skills by role, seniority and industry")
    for dim, df in data.top_skills_by.items():
        rows = [
            {
                "group": str(r["value"]),
                "skill": r["label"],
                "postings": int(r["postings"]),
                "share of group": _pct(r["share"]),
                "group size": int(r["group_postings"]),
            }
            for r in as_records(df)
        ]
        rep.table(sec, rows, caption=f"Top skills by {dim.replace('_', ' ')}")

    sec = rep.section("Salaries")
    rep.paragraph(
        sec,
        f"Annualised salary midpoints per currency. A figure needs at least {MIN_POSTINGS} "
        "postings that state a salary; smaller groups are withheld.",
    )
    if data.salaries.empty:
        rep.paragraph(
            sec, f"No group has {MIN_POSTINGS} or more postings with a stated salary.", kind="warn"
        )
    else:
        rows = [
            {
                "group": f"{r['group']}: {r['value']}" if r["group"] != "all" else "all postings",
                "currency": r["currency"],
                "postings": int(r["postings"]),
                "25th pct": float(r["p25"]),
                "median": float(r["median"]),
                "75th pct": float(r["p75"]),
            }
            for r in as_records(data.salaries)
        ]
        rep.table(sec, rows, caption="Annual salary midpoints (postings behind each figure)")

    sec = rep.section("Over time")
    if len(data.over_time) >= 2:
        months = [str(m) for m in data.over_time["month"]]
        rep.chart(
            sec,
            line_chart(
                months,
                {"postings": [float(v) for v in data.over_time["postings"]]},
                title="Postings per month",
                y_label="postings",
            ),
        )
        trend = data.skills_over_time
        if not trend.empty:
            series: dict[str, Sequence[float | None]] = {}
            for label, part in trend.groupby("label"):
                by_month = {
                    str(m): float(v) * 100
                    for m, v in zip(part["month"], part["share"], strict=True)
                }
                # a month of postings none of which asks for the skill is 0 %, not unknown
                series[str(label)] = [by_month.get(m, 0.0) for m in months]
            rep.chart(
                sec,
                line_chart(
                    months,
                    series,
                    title="Share of postings asking for the top skills, per month",
                    y_label="% of postings",
                ),
            )
    else:
        rep.paragraph(sec, "Fewer than two months with dated postings: no trend to show.")

    src = rep.section("Sources")
    rep.bullets(
        src,
        [
            "Facts extracted by socialproof from the imported postings (the text stays in the workspace).",
            *cat.attribution(),
        ],
    )
    return rep
