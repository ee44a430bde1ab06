"""Pilots (A/B tests): definitions stored in the workspace, variant filters, analysis.

A pilot names a KPI from the registry, two or more variants and a period. A
variant is a filter over ``posts`` or ``ad_stats``: terms joined by commas, all
of which must hold::

    format=reel                 column equals value (case-insensitive)
    label:summer                the custom labels include "summer"
    campaign~spring             column contains text (case-insensitive)
    platform=instagram,format=reel

The analysis (:func:`analyse`) picks the test the metric calls for:

- proportions (click-through and completion rates): counts summed per variant,
  a two-proportion z-test on (clicks, impressions);
- every other KPI: its value per post (or per ad and day), compared with
  Welch's t-test or, when posts are few or the values very skewed, a seeded
  bootstrap (:func:`socialproof.campaigns.stats.choose_mean_test`).

Each variant is compared with the first (A, the control). With more than two
variants the p-values are Holm-adjusted and the intervals Bonferroni-adjusted
(each at 1 - alpha / comparisons) so they hold together. Every report carries
a sample-ratio-mismatch check against the planned split.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Literal

from socialproof.campaigns import stats
from socialproof.errors import BadInput, NoData, NotFound, UsageError
from socialproof.workspace.schema import CANONICAL, TableSpec

if TYPE_CHECKING:
    import ibis
    import ibis.expr.types as ir

    from socialproof.metrics.registry import KPI
    from socialproof.workspace.core import Workspace

TABLES = ("posts", "ad_stats")
TESTS = ("auto", "welch", "bootstrap")
MAX_VARIANTS = 6
VARIANT_LABELS = "ABCDEF"

PILOTS = TableSpec(
    "pilots",
    {
        "name": "VARCHAR",
        "metric": "VARCHAR",
        "table_name": "VARCHAR",
        "variants": "VARCHAR",  # JSON list of filter strings, A first
        "date_from": "DATE",
        "date_to": "DATE",
        "split": "VARCHAR",  # JSON list of planned shares, or NULL for equal
        "mde": "DOUBLE",  # relative minimum detectable effect (0.1 = 10 %)
        "confidence": "DOUBLE",
        "test": "VARCHAR",  # auto | welch | bootstrap (per-post metrics)
        "note": "VARCHAR",
        "created_at": "TIMESTAMP",
    },
    ("name",),
    "Pilots (A/B tests): metric, variants as filters, period.",
)

#: Metric names people use for a family of KPIs: the first whose base the data carries wins.
ALIASES: dict[str, tuple[str, ...]] = {
    "engagement_rate": (
        "engagement_rate_reach",
        "engagement_rate_impressions",
        "engagement_rate_views",
        "engagement_rate_followers",
    ),
    "ctr": ("ctr_link",),
    "link_ctr": ("ctr_link",),
}
#: KPIs that are a share of trials (each impression clicks or not): (successes, trials).
PROPORTIONS: dict[str, tuple[str, str]] = {
    "ctr_link": ("link_clicks", "impressions"),
    "ctr_all": ("clicks", "impressions"),
    "video_completion_rate": ("video_completions", "video_views"),
}
_NOT_COMPARABLE = {"posts": "it counts rows, which a filter decides; compare a rate instead"}
_BASE_COLUMN = {
    "engagement_rate_reach": "reach",
    "engagement_rate_impressions": "impressions",
    "engagement_rate_views": "views",
    "engagement_rate_followers": "followers",
}
_UNIT_KEY = {
    "posts": ("platform", "post_id"),
    "ad_stats": ("campaign", "ad_set", "ad", "date_start"),
}
_UNIT_NAME = {"posts": "posts", "ad_stats": "ad-days"}


# -- definitions ----------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    kind: Literal["eq", "contains", "label"]
    column: str
    value: str

    def __str__(self) -> str:
        if self.kind == "label":
            return f"label:{self.value}"
        return f"{self.column}{'=' if self.kind == 'eq' else '~'}{self.value}"


@dataclass(frozen=True)
class Pilot:
    name: str
    metric: str
    table: str
    variants: tuple[str, ...]  # filter strings, A (the control) first
    date_from: date
    date_to: date
    split: tuple[float, ...] | None = None
    mde: float = 0.10
    confidence: float = 0.95
    test: str = "auto"
    note: str = ""
    created_at: datetime | None = None

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(VARIANT_LABELS[: len(self.variants)])


def parse_filter(text: str, table: str) -> tuple[Term, ...]:
    """``format=reel,label:summer,campaign~spring`` as terms; a usage error names what is wrong."""
    columns = [c for c in CANONICAL[table].columns if c != "import_id"]
    terms: list[Term] = []
    for raw in (text or "").split(","):
        part = raw.strip()
        if not part:
            continue
        if part.lower().startswith("label:"):
            value = part[6:].strip()
            if table != "posts":
                raise UsageError(
                    f"The filter {part!r} uses custom labels, which only posts carry.",
                    hint="For ads filter on campaign, ad_set or ad, e.g. 'ad=Spring A' "
                    "or 'campaign~spring'.",
                )
            if not value:
                raise UsageError(f"The filter {part!r} names no label.", hint="e.g. label:summer")
            terms.append(Term("label", "labels", value))
            continue
        m = re.match(r"^\s*([A-Za-z_][A-Za-z0-9_ ]*?)\s*(~|=)\s*(.*)$", part)
        if not m:
            raise UsageError(
                f"Cannot read the filter term {part!r}.",
                hint="Write column=value, column~text or label:name; join terms with ','.",
            )
        column = m.group(1).strip().lower().replace(" ", "_")
        if column == "label" and m.group(2) == "=":
            column = "labels"
        if column not in columns:
            raise UsageError(
                f"The {table} table has no column {m.group(1).strip()!r} (in {part!r}).",
                hint=f"Filter on one of: {', '.join(columns)}.",
            )
        value = m.group(3).strip().strip("'\"")
        if column == "labels":
            terms.append(Term("label", "labels", value))
        else:
            terms.append(Term("eq" if m.group(2) == "=" else "contains", column, value))
    if not terms:
        raise UsageError(f"The variant filter {text!r} is empty.", hint="e.g. --a 'format=reel'.")
    return tuple(terms)


def _mask(t: ir.Table, terms: tuple[Term, ...]) -> ir.BooleanValue:
    import ibis

    conds = []
    for term in terms:
        value = term.value.lower()
        if term.kind == "label":
            norm = ibis.literal(",") + t.labels.lower().strip().re_replace(r"\s*,\s*", ",") + ","
            conds.append(norm.contains(f",{value.strip()},"))
        else:
            col = t[term.column].cast("string").lower()
            conds.append(col == value if term.kind == "eq" else col.contains(value))
    return ibis.and_(*conds).fill_null(False)  # type: ignore[no-any-return]


def parse_date(text: str | date, what: str) -> date:
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        raise UsageError(
            f"Cannot read the {what} date {text!r}.", hint="Write dates as YYYY-MM-DD."
        ) from None


def parse_split(text: str | None, variants: int) -> tuple[float, ...] | None:
    if text is None or not str(text).strip():
        return None
    try:
        shares = tuple(float(p.strip().rstrip("%")) for p in str(text).split(","))
    except ValueError:
        raise UsageError(f"Cannot read the split {text!r}.", hint="Write it like 50,50.") from None
    if len(shares) != variants or any(not s > 0 or math.isinf(s) for s in shares):
        raise UsageError(
            f"The split {text!r} needs one positive share per variant ({variants}).",
            hint="Write it like 50,50 (or 1,1,2 for three variants).",
        )
    return shares


def parse_fraction(text: str | float, what: str) -> tuple[float, bool]:
    """``10%`` → (0.10, relative); ``0.3pp`` → (0.003, absolute); ``0.1`` → (0.1, relative)."""
    if isinstance(text, (int, float)):
        return float(text), True
    s = str(text).strip().lower().replace(" ", "")
    try:
        if s.endswith("pp") or s.endswith("points"):
            return float(s.removesuffix("points").removesuffix("pp")) / 100, False
        if s.endswith("%"):
            return float(s[:-1]) / 100, True
        return float(s), True
    except ValueError:
        raise UsageError(
            f"Cannot read the {what} {text!r}.",
            hint="Write 10% (relative), 0.3pp (percentage points) or 0.1 (= 10 %).",
        ) from None


def parse_rate(text: str | float, what: str = "baseline") -> float:
    """``1.2%`` or ``0.012`` → 0.012."""
    s = str(text).strip()
    try:
        return float(s[:-1]) / 100 if s.endswith("%") else float(s)
    except ValueError:
        raise UsageError(f"Cannot read the {what} {text!r}.", hint="e.g. 0.012 or 1.2%.") from None


def check_metric(metric: str, table: str) -> str:
    """The metric name as stored (an alias or a registry KPI that fits the table)."""
    from socialproof.metrics import registry

    name = metric.strip().lower()
    if name in ALIASES:
        if not any(registry.get(k).applies_to(table) for k in ALIASES[name]):
            raise UsageError(f"The metric {metric!r} does not apply to {table}.")
        return name
    if name in _NOT_COMPARABLE:
        raise UsageError(f"A pilot cannot compare {name!r}: {_NOT_COMPARABLE[name]}.")
    try:
        registry.get(name, table=table)
    except UsageError as exc:
        valid = [k.name for k in registry.all_kpis(table) if k.name not in _NOT_COMPARABLE]
        aliases = [
            a for a, ks in ALIASES.items() if any(registry.get(k).applies_to(table) for k in ks)
        ]
        raise UsageError(
            exc.message, hint=f"Valid metrics for {table}: {', '.join(aliases + valid)}."
        ) from None
    return name


def _infer_table(metric: str, filters: list[str]) -> str:
    from socialproof.metrics import registry

    names = ALIASES.get(metric.strip().lower(), (metric.strip().lower(),))
    fits = [t for t in TABLES if any(_applies(registry, n, t) for n in names)]
    if len(fits) == 1:
        return fits[0]
    cols = {t: set(CANONICAL[t].columns) for t in TABLES}
    used = {
        m.group(1).strip().lower()
        for f in filters
        for m in re.finditer(r"(?:^|,)\s*([A-Za-z_][A-Za-z0-9_]*)\s*[=~]", f)
    }
    if used and not used <= cols["posts"] and used <= cols["ad_stats"]:
        return "ad_stats"
    return "posts"


def _applies(registry: Any, name: str, table: str) -> bool:
    try:
        return bool(registry.get(name).applies_to(table))
    except UsageError:
        return False


def define(
    name: str,
    metric: str,
    variants: list[str],
    date_from: str | date,
    date_to: str | date,
    *,
    table: str | None = None,
    split: str | None = None,
    mde: str | float = 0.10,
    confidence: float = 0.95,
    test: str = "auto",
    note: str = "",
) -> Pilot:
    """Validate a pilot definition (nothing is stored; see :func:`create`)."""
    clean_name = " ".join((name or "").split())
    if not clean_name:
        raise UsageError(
            "A pilot needs a name.", hint='e.g. socialproof pilot new "Reels vs carousels" ...'
        )
    if len(clean_name) > 120:
        raise UsageError("The pilot name is longer than 120 characters.", hint="Shorten it.")
    filters = [v for v in variants if v is not None]
    if len(filters) < 2:
        raise UsageError("A pilot needs at least two variants.", hint="Pass --a and --b.")
    if len(filters) > MAX_VARIANTS:
        raise UsageError(f"A pilot takes at most {MAX_VARIANTS} variants.", hint="Split it in two.")
    if table is not None and table not in TABLES:
        raise UsageError(f"Unknown table {table!r}.", hint=f"Use one of: {', '.join(TABLES)}.")
    chosen = table or _infer_table(metric, filters)
    stored_metric = check_metric(metric, chosen)
    parsed = [parse_filter(f, chosen) for f in filters]
    seen: dict[tuple[Term, ...], int] = {}
    for i, terms in enumerate(parsed):
        key = tuple(sorted(terms, key=str))
        if key in seen:
            raise UsageError(
                f"Variants {VARIANT_LABELS[seen[key]]} and {VARIANT_LABELS[i]} have the same "
                f"filter ({filters[i]!r}).",
                hint="Give each variant its own filter.",
            )
        seen[key] = i
    start, end = parse_date(date_from, "--from"), parse_date(date_to, "--to")
    if start > end:
        raise UsageError(
            f"The period starts ({start}) after it ends ({end}).", hint="Swap --from and --to."
        )
    rel_mde, relative = parse_fraction(mde, "minimum detectable effect")
    if not relative or not 0 < rel_mde < 10:
        raise UsageError(
            f"The pilot's minimum detectable effect must be a relative change, got {mde!r}.",
            hint="e.g. --mde 10%.",
        )
    if not 0.5 <= confidence < 1:
        raise UsageError(f"Confidence {confidence} is out of range.", hint="Use 0.95 or 0.9.")
    if test not in TESTS:
        raise UsageError(f"Unknown test {test!r}.", hint=f"Use one of: {', '.join(TESTS)}.")
    return Pilot(
        name=clean_name,
        metric=stored_metric,
        table=chosen,
        variants=tuple(",".join(str(t) for t in terms) for terms in parsed),
        date_from=start,
        date_to=end,
        split=parse_split(split, len(filters)),
        mde=rel_mde,
        confidence=confidence,
        test=test,
        note=note,
    )


# -- storage -------------------------------------------------------------------------


def create(ws: Workspace, pilot: Pilot) -> Pilot:
    """Store a new pilot; an existing name is an error."""
    import pyarrow as pa

    from socialproof.workspace import engine

    stamped = Pilot(**{**pilot.__dict__, "created_at": datetime.now(UTC).replace(tzinfo=None)})
    row = {
        "name": stamped.name,
        "metric": stamped.metric,
        "table_name": stamped.table,
        "variants": json.dumps(list(stamped.variants)),
        "date_from": stamped.date_from,
        "date_to": stamped.date_to,
        "split": None if stamped.split is None else json.dumps(list(stamped.split)),
        "mde": stamped.mde,
        "confidence": stamped.confidence,
        "test": stamped.test,
        "note": stamped.note,
        "created_at": stamped.created_at,
    }
    with ws.transaction() as con:
        existing = engine.query_rows(
            con, "SELECT name FROM pilots WHERE lower(name) = lower(?)", [stamped.name]
        )
        if existing:
            raise UsageError(
                f"A pilot named {existing[0][0]!r} already exists.",
                hint="Choose another name, or remove it with 'socialproof pilot delete NAME'.",
            )
        engine.upsert(con, PILOTS, pa.Table.from_pylist([row]))
    return stamped


def delete(ws: Workspace, name: str) -> Pilot:
    from socialproof.workspace import engine

    pilot = get(ws, name)
    with ws.transaction() as con:
        engine.query_rows(con, "DELETE FROM pilots WHERE name = ?", [pilot.name])
    return pilot


def list_pilots(ws: Workspace) -> list[Pilot]:
    from socialproof.workspace import engine

    with ws.ibis() as con:
        if "pilots" not in con.list_tables():
            return []
        df = engine.execute(engine.table(con, "pilots").order_by("created_at"))
    return [_from_row({str(k): v for k, v in r.items()}) for r in df.to_dict(orient="records")]


def get(ws: Workspace, name: str) -> Pilot:
    pilots = list_pilots(ws)
    wanted = " ".join(name.split()).lower()
    for p in pilots:
        if p.name.lower() == wanted:
            return p
    known = ", ".join(repr(p.name) for p in pilots) or "none yet"
    raise NotFound(
        f"No pilot named {name!r}.",
        hint=f"Pilots in this workspace: {known}. Create one with 'socialproof pilot new'.",
    )


def _from_row(r: dict[str, Any]) -> Pilot:
    def as_date(v: Any) -> date:
        return v.date() if isinstance(v, datetime) else v  # type: ignore[no-any-return]

    split = r.get("split")
    created = r.get("created_at")
    return Pilot(
        name=str(r["name"]),
        metric=str(r["metric"]),
        table=str(r["table_name"]),
        variants=tuple(json.loads(r["variants"])),
        date_from=as_date(r["date_from"]),
        date_to=as_date(r["date_to"]),
        split=tuple(json.loads(split)) if isinstance(split, str) and split else None,
        mde=float(r["mde"]),
        confidence=float(r["confidence"]),
        test=str(r["test"]),
        note=str(r.get("note") or ""),
        created_at=None if created is None or str(created) == "NaT" else created,
    )


def describe(pilot: Pilot) -> dict[str, Any]:
    return {
        "name": pilot.name,
        "metric": pilot.metric,
        "table": pilot.table,
        **{f"variant {lab}": f for lab, f in zip(pilot.labels, pilot.variants, strict=True)},
        "from": pilot.date_from.isoformat(),
        "to": pilot.date_to.isoformat(),
        "created": pilot.created_at.isoformat(timespec="minutes") if pilot.created_at else "",
    }


# -- analysis -------------------------------------------------------------------------------


@dataclass(frozen=True)
class VariantData:
    label: str
    filter: str
    rows: int  # posts or ad rows matched in the period
    n: float  # trials (proportions) or usable units (per-post)
    value: float | None  # the metric for the variant as a whole
    successes: float | None = None
    left_out: int = 0  # rows without the metric's inputs
    allocation: float = 0.0  # what the SRM check counts


@dataclass(frozen=True)
class VariantComparison:
    label: str
    result: stats.Comparison
    p_adjusted: float
    significant: bool
    needed_per_variant: int | None  # to detect the pilot's MDE at A's level
    verdict: str


@dataclass(frozen=True)
class PilotResult:
    pilot: Pilot
    kpi: KPI
    method: Literal["proportion", "per-unit"]
    test: str
    why: str
    unit: str  # what n counts: impressions, posts, ad-days
    variants: list[VariantData]
    comparisons: list[VariantComparison]
    srm: stats.SRMResult
    srm_basis: str
    correction: str
    verdict: str
    notes: list[str] = field(default_factory=list)

    @property
    def is_percent(self) -> bool:
        return self.kpi.unit == "percent"


def _period_filter(t: ir.Table, pilot: Pilot, timezone: str) -> ir.Table:
    import ibis.expr.datatypes as dt

    from socialproof.metrics._ops import local_time

    if pilot.table == "posts":
        day = local_time(t.published_at, timezone).cast(dt.date)
        return t.filter(day >= pilot.date_from, day <= pilot.date_to)
    return t.filter(t.date_start >= pilot.date_from, t.date_stop <= pilot.date_to)


def _resolve_kpi(pilot: Pilot, coverage: dict[str, int]) -> KPI:
    from socialproof.metrics import registry

    names = ALIASES.get(pilot.metric, (pilot.metric,))
    fitting = [n for n in names if registry.get(n).applies_to(pilot.table)]
    if len(fitting) > 1:
        fitting.sort(key=lambda n: -coverage.get(_BASE_COLUMN.get(n, ""), 0))
    return registry.get(fitting[0], table=pilot.table)


def analyse(ws: Workspace, name: str | Pilot, *, seed: int = 0) -> PilotResult:
    """Run the pilot's comparison on the workspace data (see the module doc)."""
    from socialproof.metrics import views
    from socialproof.workspace import engine

    pilot = name if isinstance(name, Pilot) else get(ws, name)
    tz = ws.settings.timezone
    parsed = [parse_filter(f, pilot.table) for f in pilot.variants]
    with ws.ibis() as con:
        if engine.is_empty(con, pilot.table):
            raise NoData(
                f"The workspace has no {pilot.table} yet.",
                hint="Import an export first: socialproof import FILE.",
            )
        base = views.view(con, pilot.table, timezone=tz)
        t = _period_filter(base, pilot, tz)
        masks = [_mask(t, terms) for terms in parsed]
        t, counts = _check_variants(con, base, t, masks, pilot)
        coverage = {
            c: int(counts[f"cov_{c}"])
            for c in ("reach", "impressions", "views", "followers")
            if f"cov_{c}" in counts
        }
        kpi = _resolve_kpi(pilot, coverage)
        notes: list[str] = []
        if pilot.metric in ALIASES and pilot.metric != kpi.name:
            notes.append(
                f"'{pilot.metric}' is measured as {metric_name(kpi)}: the base with "
                "the most data in these posts."
            )
        _check_money(con, t, kpi, pilot)
        if kpi.name in PROPORTIONS:
            data = _proportion_data(t, kpi, pilot)
        else:
            data, samples = _per_unit_data(t, kpi, pilot)
    srm_basis = "posts" if pilot.table == "posts" else data[0][1]
    variants = [d[0] for d in data]
    for v in variants:
        if v.left_out:
            notes.append(
                f"{v.left_out:,} {_UNIT_NAME[pilot.table]} in {v.label} lack the inputs "
                f"of {metric_name(kpi)} and were left out."
            )
        if v.n == 0 or v.value is None:
            raise BadInput(
                f"Variant {v.label} ({v.filter}) has {v.rows:,} rows but none with the inputs of "
                f"{metric_name(kpi)} ({kpi.formula_text}).",
                hint="Choose a metric this data carries (socialproof metrics lists them).",
            )
    srm = stats.srm_check([v.allocation for v in variants], pilot.split)
    m = len(variants) - 1
    alpha = 1 - pilot.confidence
    conf_each = 1 - alpha / m
    if kpi.name in PROPORTIONS:
        test, why = (
            "two-proportion z-test",
            (
                f"{kpi.label} is a proportion of {PROPORTIONS[kpi.name][1].replace('_', ' ')}, so the "
                f"counts are summed per variant and compared with a two-proportion z-test "
                f"(pooled standard error; Wald interval for the difference, log interval for the "
                f"lift)."
            ),
        )
        raw = [
            stats.two_proportion_test(
                variants[0].successes or 0,
                variants[0].n,
                v.successes or 0,
                v.n,
                confidence=conf_each,
            )
            for v in variants[1:]
        ]
    else:
        forced = {"welch": "Welch t-test", "bootstrap": "bootstrap"}.get(pilot.test)
        chosen, why = stats.choose_mean_test(*samples)
        if forced is not None and forced != chosen:
            why = f"The pilot asks for the {forced} (chosen when it was created); " + why
            chosen = forced  # type: ignore[assignment]
        test = chosen
        unit_word = "post" if pilot.table == "posts" else "ad per day"
        why = f"{kpi.label} is computed per {unit_word} ({kpi.formula_text}). " + why
        if test == "Welch t-test":
            raw = [stats.welch_test(samples[0], s, confidence=conf_each) for s in samples[1:]]
        else:
            raw = [
                stats.bootstrap_test(samples[0], s, confidence=conf_each, seed=seed + i)
                for i, s in enumerate(samples[1:])
            ]
    adjusted = stats.adjust_pvalues([r.p_value for r in raw], method="holm")
    correction = (
        "One comparison (B against A): no correction needed."
        if m == 1
        else f"{m} comparisons against A: p-values adjusted with Holm's step-down method; "
        f"intervals at {conf_each:.1%} each (Bonferroni) so all {m} hold together at "
        f"{pilot.confidence:.0%}."
    )
    unit = (
        PROPORTIONS[kpi.name][1].replace("_", " ")
        if kpi.name in PROPORTIONS
        else _UNIT_NAME[pilot.table]
    )
    comparisons = []
    for v, r, p_adj in zip(variants[1:], raw, adjusted, strict=True):
        need = _needed(
            kpi, r, pilot, len(variants), samples if kpi.name not in PROPORTIONS else None
        )
        sig = p_adj < alpha
        comparisons.append(
            VariantComparison(
                v.label,
                r,
                p_adj,
                sig,
                need,
                _verdict(v.label, kpi, r, p_adj, sig, need, unit, pilot),
            )
        )
    overall = " ".join(c.verdict for c in comparisons)
    if srm.mismatch:
        overall = (
            f"Warning: sample-ratio mismatch ({_p(srm.p_value)}): the variants did not get "
            "the planned share of " + srm_basis + ", so something other than the variant may "
            "differ between them; treat the result with caution"
            + (
                " (ads in one ad set are not split evenly unless the platform ran them as an "
                "A/B test; pass --split if the plan was uneven). "
                if pilot.table == "ad_stats"
                else ". "
            )
            + overall
        )
    return PilotResult(
        pilot,
        kpi,
        "proportion" if kpi.name in PROPORTIONS else "per-unit",
        test,
        why,
        unit,
        variants,
        comparisons,
        srm,
        srm_basis,
        correction,
        overall,
        notes,
    )


def _check_variants(
    con: ibis.BaseBackend, base: ir.Table, t: ir.Table, masks: list[ir.BooleanValue], pilot: Pilot
) -> tuple[ir.Table, dict[str, Any]]:
    """Rows in the period, per variant, overlaps; errors for the bad cases."""
    import ibis

    from socialproof.workspace import engine

    hits = sum((m.ifelse(1, 0) for m in masks), ibis.literal(0))
    aggs: dict[str, Any] = {"total": t.count(), "overlap": (hits >= 2).ifelse(1, 0).sum()}
    for i, mk in enumerate(masks):
        aggs[f"n{i}"] = mk.ifelse(1, 0).sum()
    for c in ("reach", "impressions", "views", "followers"):
        if c in t.columns:
            aggs[f"cov_{c}"] = (t[c] > 0).ifelse(1, 0).sum()
    row = engine.execute(t.aggregate(**aggs)).iloc[0].to_dict()
    counts = {
        str(k): (0 if v is None or (isinstance(v, float) and math.isnan(v)) else v)
        for k, v in row.items()
    }
    what = "posts" if pilot.table == "posts" else "ad rows"
    if int(counts["total"]) == 0:
        span = _span(base, pilot)
        raise NoData(
            f"No {what} between {pilot.date_from} and {pilot.date_to}.",
            hint=f"The {pilot.table} table covers {span}. Pick a period inside it."
            if span
            else "Import data for the period first.",
        )
    if int(counts["overlap"]) > 0:
        key = "post_id" if pilot.table == "posts" else "ad"
        example = engine.execute(t.filter(hits >= 2).select(key).limit(1)).iloc[0, 0]
        raise BadInput(
            f"The variants overlap: {int(counts['overlap']):,} {what} match more than one "
            f"variant (e.g. {key} {str(example)!r}).",
            hint="Make the filters exclusive, e.g. add 'format=reel' to one and "
            "'format=carousel' to the other.",
        )
    for i, (lab, f) in enumerate(zip(pilot.labels, pilot.variants, strict=True)):
        if int(counts[f"n{i}"]) == 0:
            raise BadInput(
                f"Variant {lab} ({f}) matches no {what} between {pilot.date_from} and "
                f"{pilot.date_to}.",
                hint=_seen_values(t, parse_filter(f, pilot.table)),
            )
    variant = ibis.cases(*[(mk, i) for i, mk in enumerate(masks)], else_=None)
    return t.mutate(_variant=variant).filter(variant.notnull()), counts


def _seen_values(t: ir.Table, terms: tuple[Term, ...]) -> str:
    from socialproof.workspace import engine

    col = terms[0].column
    if col in ("labels", "post_id", "text", "title", "permalink"):
        return "Check the filter's spelling and the period."
    top = engine.execute(t.group_by(col).aggregate(n=t.count()).order_by(t.count().desc()).limit(8))
    values = [str(v) for v in top[col].tolist() if v is not None and str(v) != "nan"]
    return f"Values of {col} in the period: {', '.join(values) or 'none'}."


def _span(base: ir.Table, pilot: Pilot) -> str:
    from socialproof.workspace import engine

    col = base.published_at if pilot.table == "posts" else base.date_start
    row = engine.execute(base.aggregate(lo=col.min(), hi=col.max())).iloc[0]
    if row["lo"] is None or str(row["lo"]) in ("NaT", "None"):
        return ""
    return f"{str(row['lo'])[:10]} to {str(row['hi'])[:10]}"


def _check_money(con: ibis.BaseBackend, t: ir.Table, kpi: KPI, pilot: Pilot) -> None:
    """Currency KPIs need one currency and no negative spend."""
    from socialproof.workspace import engine

    reads_spend = "spend" in kpi.formula_text
    if pilot.table != "ad_stats" or not (kpi.unit == "currency" or reads_spend):
        return
    df = engine.execute(
        t.group_by("_variant").aggregate(
            currencies=t.currency.fill_null("").nunique(),
            currency=t.currency.fill_null("").max(),
            negative=(t.spend < 0).ifelse(1, 0).sum(),
        )
    )
    if int(df["negative"].fillna(0).sum()):
        raise BadInput(
            f"{int(df['negative'].sum()):,} ad rows in the pilot have negative spend.",
            hint="Re-export the ads report; refunds and credits do not belong in delivery rows.",
        )
    currencies = set(df["currency"]) if (df["currencies"] <= 1).all() else {"", "*"}
    if len(currencies) > 1:
        raise BadInput(
            f"The pilot's ads are in more than one currency, so {metric_name(kpi)} cannot be "
            "compared.",
            hint="Add currency=XXX to each variant's filter (or convert the export with a rate "
            "you choose before importing).",
        )


def _proportion_data(t: ir.Table, kpi: KPI, pilot: Pilot) -> list[tuple[VariantData, str]]:
    import ibis

    from socialproof.workspace import engine

    num, den = PROPORTIONS[kpi.name]
    both = t[num].notnull() & t[den].notnull()
    alloc_col = "reach" if pilot.table == "ad_stats" else None
    aggs: dict[str, Any] = {
        "rows": t.count(),
        "successes": both.ifelse(t[num], 0).sum(),
        "trials": both.ifelse(t[den], 0).sum(),
        "left_out": (~both).ifelse(1, 0).sum(),
        "negative": ((t[num] < 0) | (t[den] < 0)).ifelse(1, 0).sum(),
        "reach": t.reach.sum() if alloc_col else ibis.literal(0),
        "reach_missing": t.reach.isnull().ifelse(1, 0).sum() if alloc_col else ibis.literal(0),
    }
    df = engine.execute(t.group_by("_variant").aggregate(**aggs).order_by("_variant"))
    if int(df["negative"].fillna(0).sum()):
        raise BadInput(
            f"{int(df['negative'].sum()):,} rows in the pilot have negative {num} or {den}.",
            hint="Check the export; counts cannot be negative.",
        )
    use_reach = pilot.table == "ad_stats" and int(df["reach_missing"].fillna(0).sum()) == 0
    basis = "reach (people reached, summed over rows)" if use_reach else den.replace("_", " ")
    if pilot.table == "posts":
        basis = "posts"
    out = []
    for _, r in df.iterrows():
        i = int(r["_variant"])
        trials, succ = float(r["trials"] or 0), float(r["successes"] or 0)
        alloc = (
            float(r["rows"])
            if pilot.table == "posts"
            else float(r["reach"] if use_reach else trials)
        )
        out.append(
            (
                VariantData(
                    pilot.labels[i],
                    pilot.variants[i],
                    int(r["rows"]),
                    trials,
                    succ / trials if trials else None,
                    succ,
                    int(r["left_out"]),
                    alloc,
                ),
                basis,
            )
        )
    return out


def _per_unit_data(
    t: ir.Table, kpi: KPI, pilot: Pilot
) -> tuple[list[tuple[VariantData, str]], list[list[float]]]:
    from socialproof.metrics import registry
    from socialproof.workspace import engine

    key = list(_UNIT_KEY[pilot.table])
    per_unit = registry.compute(t, [kpi], table=pilot.table, by=["_variant", *key])
    df = engine.execute(per_unit.select("_variant", kpi.name))
    out, samples = [], []
    for i, (lab, f) in enumerate(zip(pilot.labels, pilot.variants, strict=True)):
        values = df.loc[df["_variant"] == i, kpi.name]
        rows = int(len(values))
        clean = [float(v) for v in values.dropna().tolist() if not math.isinf(float(v))]
        value = sum(clean) / len(clean) if clean else None  # the mean the test compares
        out.append(
            (
                VariantData(
                    lab, f, rows, float(len(clean)), value, None, rows - len(clean), float(rows)
                ),
                _UNIT_NAME[pilot.table],
            )
        )
        samples.append(clean)
        if len(clean) < 2:
            raise BadInput(
                f"Variant {lab} ({f}) has {len(clean)} {_UNIT_NAME[pilot.table]} with "
                f"{metric_name(kpi)}; a comparison needs at least 2.",
                hint="Widen the period or the filter.",
            )
    return out, samples


def _needed(
    kpi: KPI, r: stats.Comparison, pilot: Pilot, k: int, samples: list[list[float]] | None
) -> int | None:
    """Units per variant to detect the pilot's MDE at A's level (None when undefined)."""
    try:
        if samples is None:
            if not 0 < r.value_a < 1:
                return None
            return stats.sample_size_proportions(
                r.value_a, pilot.mde, variants=k, alpha=1 - pilot.confidence
            ).per_variant
        import numpy as np

        sds = [float(np.std(s, ddof=1)) for s in samples if len(s) > 1]
        sd = math.sqrt(sum(v * v for v in sds) / len(sds)) if sds else 0.0
        if r.value_a == 0 or sd == 0:
            return None
        return stats.sample_size_means(
            abs(r.value_a), pilot.mde, sd, variants=k, alpha=1 - pilot.confidence
        ).per_variant
    except UsageError:
        return None


# -- words --------------------------------------------------------------------------------------


def _p(p: float) -> str:
    """``p < 0.001`` or ``p = 0.042``."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def metric_name(kpi: KPI) -> str:
    """The KPI's label inside a sentence: 'engagement rate (by reach)', 'CTR (all)'."""
    label = kpi.label
    if len(label) > 1 and label[0].isupper() and not label[1].isupper():
        return label[0].lower() + label[1:]
    return label


def _decimals(width: float) -> int:
    if width <= 0 or math.isnan(width) or math.isinf(width):
        return 2
    return max(0, min(6, 1 - math.floor(math.log10(width))))


def effect_text(kpi: KPI, value: float, d: int, *, signed: bool = False) -> str:
    """A difference in the KPI's unit: percentage points for percentages."""
    v = value * 100 if kpi.unit == "percent" else value
    s = f"{v:+.{d}f}" if signed else f"{v:.{d}f}"
    return s.replace("-", "−")


def level_text(kpi: KPI, value: float, d: int) -> str:
    if kpi.unit == "percent":
        return f"{value * 100:.{d}f} %"
    if kpi.unit == "seconds":
        return f"{value:.{d}f} s"
    return f"{value:.{d}f}"


def _verdict(
    label: str,
    kpi: KPI,
    r: stats.Comparison,
    p_adj: float,
    sig: bool,
    need: int | None,
    unit: str,
    pilot: Pilot,
) -> str:
    width = (r.diff_high - r.diff_low) * (100 if kpi.unit == "percent" else 1)
    d = _decimals(width)
    pts = " points" if kpi.unit == "percent" else ""
    name = metric_name(kpi)
    conf = f"{r.confidence:.1%}".replace(".0%", "%").replace("%", " %")
    levels = f"{level_text(kpi, r.value_a, d)} in A → {level_text(kpi, r.value_b, d)} in {label}"
    if sig:
        verb = "raised" if r.diff > 0 else "lowered"
        lo, hi = sorted((abs(r.diff_low), abs(r.diff_high)))
        return (
            f"{label} {verb} {name} by {effect_text(kpi, abs(r.diff), d)}{pts} ({levels}), "
            f"{conf} CI {effect_text(kpi, lo, d)}–{effect_text(kpi, hi, d)}{pts}; "
            f"enough data ({_p(p_adj)})."
        )
    diff = (
        f"{label} vs A: {effect_text(kpi, r.diff, d, signed=True)}{pts} ({levels}), {conf} CI "
        f"{effect_text(kpi, r.diff_low, d, signed=True)} to "
        f"{effect_text(kpi, r.diff_high, d, signed=True)}{pts}, {_p(p_adj)}"
    )
    n_now = min(r.n_a, r.n_b)
    if need is not None and n_now < need:
        more = need - n_now
        return (
            f"Not enough data: {diff}. The difference could be chance; need ~{_round_up(more):,} "
            f"more {unit} per variant to detect a {pilot.mde:.0%} change."
        )
    if need is not None:
        return (
            f"No clear difference: {diff}. There was enough data to detect a {pilot.mde:.0%} "
            "change, so any real effect is likely smaller than that."
        )
    return f"No clear difference: {diff}."


def _round_up(n: float) -> int:
    """Round a count up to two significant figures (~12,000 rather than 11,873)."""
    if n <= 100:
        return math.ceil(n)
    mag = 10 ** (math.floor(math.log10(n)) - 1)
    return int(math.ceil(n / mag) * mag)


def result_rows(res: PilotResult) -> list[dict[str, Any]]:
    """One row per variant (A first) for tables and machine formats."""
    rows: list[dict[str, Any]] = []
    by_label = {c.label: c for c in res.comparisons}
    for v in res.variants:
        c = by_label.get(v.label)
        row: dict[str, Any] = {
            "variant": v.label,
            "filter": v.filter,
            res.unit: v.n,
            **({"successes": v.successes} if res.method == "proportion" else {}),
            res.kpi.name: v.value,
            "diff_vs_a": None,
            "ci_low": None,
            "ci_high": None,
            "lift": None,
            "p_value": None,
            "p_holm": None,
            "verdict": "control",
        }
        if c is not None:
            row.update(
                diff_vs_a=c.result.diff,
                ci_low=c.result.diff_low,
                ci_high=c.result.diff_high,
                lift=c.result.lift,
                p_value=c.result.p_value,
                p_holm=c.p_adjusted,
                verdict=c.verdict,
            )
        rows.append(row)
    return rows
