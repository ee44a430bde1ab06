"""Analyse the workspace's job postings and keep the facts in derived tables.

``analyze_workspace`` reads ``job_postings``, extracts each posting's facts
and rewrites ``posting_facts`` and ``posting_items`` in one transaction.
``ensure_analyzed`` does it only when postings changed since the last run (or
the extractor did), so reports always describe every imported posting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from socialproof.market.extract import PostingFacts, analyze_posting, extractor_version

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    import ibis.expr.types as ir
    import pyarrow as pa

    from socialproof.workspace import Workspace

FACT_COLUMNS: dict[str, str] = {
    "posting_id": "string", "status": "string", "language": "string", "title": "string",
    "company": "string", "role_id": "string", "role_family": "string", "role_basis": "string",
    "seniority": "string", "years_min": "float64", "years_max": "float64", "degree": "string",
    "degree_requirement": "string", "salary_text": "string", "salary_status": "string",
    "salary_currency": "string", "salary_min_annual": "float64", "salary_max_annual": "float64",
    "salary_period": "string", "location": "string", "remote_policy": "string",
    "industry": "string", "industry_group": "string", "regulated": "bool",
    "compliance_duties": "string", "employment_type": "string", "posted_at": "date32",
    "must_skills": "string", "nice_skills": "string", "platforms": "string", "tools": "string",
    "kpis": "string", "note": "string", "extractor_version": "string", "analyzed_at": "timestamp",
}  # fmt: skip
ITEM_COLUMNS: dict[str, str] = {
    "posting_id": "string", "kind": "string", "item_id": "string", "label": "string",
    "requirement": "string", "span": "string", "span_start": "int32", "span_end": "int32",
    "evidence": "string", "esco": "string", "mentions": "int32",
}  # fmt: skip


@dataclass
class AnalysisSummary:
    postings: int = 0
    analysed: int = 0
    empty: int = 0
    unsupported_language: int = 0
    facts: list[PostingFacts] = field(default_factory=list)


def _schema(columns: dict[str, str]) -> pa.Schema:
    import pyarrow as pa

    types = {"string": pa.string(), "float64": pa.float64(), "bool": pa.bool_(),
             "date32": pa.date32(), "timestamp": pa.timestamp("us"), "int32": pa.int32()}  # fmt: skip
    return pa.schema([(name, types[t]) for name, t in columns.items()])


def _date(value: Any) -> Any:
    import datetime as dt

    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        import pandas as pd

        if pd.isna(value):
            return None
        return pd.Timestamp(value).date()
    except (ValueError, TypeError):
        return None


def facts_tables(facts: Iterable[PostingFacts]) -> tuple[pa.Table, pa.Table]:
    """Arrow tables for ``posting_facts`` and ``posting_items``."""
    import pyarrow as pa

    now = datetime.now(UTC).replace(tzinfo=None)
    fact_rows: list[dict[str, Any]] = []
    item_rows: list[dict[str, Any]] = []
    for f in facts:
        row = f.summary_row()
        row["posted_at"] = _date(row["posted_at"])
        row["extractor_version"] = extractor_version()
        row["analyzed_at"] = now
        fact_rows.append(row)
        for h in f.skills:
            item_rows.append(
                {
                    "posting_id": f.posting_id,
                    "kind": h.kind,
                    "item_id": h.id,
                    "label": h.label,
                    "requirement": h.requirement,
                    "span": h.span,
                    "span_start": h.start,
                    "span_end": h.end,
                    "evidence": h.evidence,
                    "esco": "; ".join(h.esco),
                    "mentions": h.count,
                }
            )
    facts_t = pa.Table.from_pylist(fact_rows, schema=_schema(FACT_COLUMNS))
    items_t = pa.Table.from_pylist(item_rows, schema=_schema(ITEM_COLUMNS))
    return facts_t, items_t


def _read_postings(ws: Workspace) -> list[dict[str, Any]]:
    from socialproof.workspace import engine

    with ws.ibis() as con:
        if engine.is_empty(con, "job_postings"):
            return []
        t = engine.table(con, "job_postings")
        df = engine.execute(
            t.select(
                "posting_id",
                "title",
                "company",
                "location",
                "salary_text",
                "employment_type",
                "posted_at",
                "url",
                "body",
            )
        )
    return [{str(k): v for k, v in r.items()} for r in df.to_dict("records")]


def analyze_workspace(
    ws: Workspace, *, progress: Callable[[int, int], None] | None = None
) -> AnalysisSummary:
    """Analyse every posting in the workspace and rewrite the derived tables."""
    from socialproof.market.skills import gazetteer
    from socialproof.workspace import engine

    rows = _read_postings(ws)
    summary = AnalysisSummary(postings=len(rows))
    gaz = gazetteer()
    for k, row in enumerate(rows):
        clean = {key: (None if _isna(v) else v) for key, v in row.items()}
        facts = analyze_posting(clean, gaz=gaz)
        summary.facts.append(facts)
        if facts.status == "ok":
            summary.analysed += 1
        elif facts.status == "empty":
            summary.empty += 1
        else:
            summary.unsupported_language += 1
        if progress and k % 200 == 0:
            progress(k, len(rows))
    facts_t, items_t = facts_tables(summary.facts)
    with ws.transaction() as con:
        engine.replace_table(con, "posting_facts", facts_t)
        engine.replace_table(con, "posting_items", items_t)
    return summary


def _isna(value: Any) -> bool:
    try:
        import pandas as pd

        return bool(pd.isna(value)) if not isinstance(value, (list, dict, str)) else False
    except (TypeError, ValueError):
        return False


def is_stale(ws: Workspace) -> bool:
    """True when postings were added or changed since the last analysis."""
    from socialproof.workspace import engine

    with ws.ibis() as con:
        if engine.is_empty(con, "job_postings"):
            return False
        postings = engine.table(con, "job_postings")
        n_postings = _count(postings)
        if "posting_facts" not in con.list_tables():
            return True
        facts = engine.table(con, "posting_facts")
        current = facts.filter(facts.extractor_version == extractor_version())
        joined = postings.semi_join(current, postings.posting_id == current.posting_id)
        n_matched = _count(joined)
        n_facts = _count(facts)
        if n_matched != n_postings or n_facts != n_postings:
            return True
        # a re-import may change postings whose ids were already analysed
        if "imports" in con.list_tables():
            imports = engine.table(con, "imports")
            imports = imports.filter(imports.table_name.contains("job_postings"))
            last_import: Any = engine.execute(imports.imported_at.max())
            analysed: Any = engine.execute(facts.analyzed_at.min())
            import pandas as pd

            if pd.notna(last_import) and pd.notna(analysed):
                return bool(pd.Timestamp(last_import) > pd.Timestamp(analysed))
    return False


def ensure_analyzed(ws: Workspace) -> bool:
    """Analyse the postings if needed; returns True when it ran."""
    if is_stale(ws):
        analyze_workspace(ws)
        return True
    return False


def _count(table: ir.Table) -> int:
    from socialproof.workspace import engine

    value: Any = engine.execute(table.count())
    return int(value)
