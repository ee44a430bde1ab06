"""Pilot definitions: the stored table, variant filters, validation, storage and words.

The lowest of the pilot modules: :mod:`~socialproof.campaigns.pilot_analysis` (the
comparison) and :mod:`~socialproof.campaigns.pilot_plan` (sample size and duration)
build on it, and :mod:`~socialproof.campaigns.pilots` (the API the faces call) on all
three, so no two of them import each other. See :mod:`socialproof.campaigns.pilots`
for what a pilot is and how it is judged.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Literal

from socialproof.errors import NotFound, UsageError
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
BASE_COLUMN = {
    "engagement_rate_reach": "reach",
    "engagement_rate_impressions": "impressions",
    "engagement_rate_views": "views",
    "engagement_rate_followers": "followers",
}
UNIT_KEY = {
    "posts": ("platform", "account", "post_id"),
    "ad_stats": ("platform", "account", "campaign", "ad_set", "ad", "date_start"),
}
UNIT_NAME = {"posts": "posts", "ad_stats": "ad-days"}
#: What identifies one ad: the unit a paid pilot varies (its days are repeated measures).
AD_KEY = ("platform", "account", "campaign", "ad_set", "ad")


# -- definitions ----------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    kind: Literal["eq", "contains", "label"]
    column: str
    value: str

    def __str__(self) -> str:
        value = f'"{self.value}"' if "," in self.value else self.value
        if self.kind == "label":
            return f"label:{value}"
        return f"{self.column}{'=' if self.kind == 'eq' else '~'}{value}"


def _split_terms(text: str) -> list[str]:
    """Split on commas outside double quotes: ``ad="Sale, A",format=reel``."""
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if ch == "," and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


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
    names: tuple[str, ...] = ()  # optional names of the variants, e.g. ("Carousels", "Reels")

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(VARIANT_LABELS[: len(self.variants)])

    def display(self, i: int) -> str:
        """``B (Reels)`` when the variant has a name, else ``B``."""
        label = VARIANT_LABELS[i]
        name = self.names[i] if i < len(self.names) else ""
        return f"{label} ({name})" if name else label


def parse_filter(text: str, table: str) -> tuple[Term, ...]:
    """``format=reel,label:summer,campaign~spring`` as terms; a usage error names what is wrong."""
    columns = [c for c in CANONICAL[table].columns if c != "import_id"]
    terms: list[Term] = []
    for raw in _split_terms(text or ""):
        part = raw.strip()
        if not part:
            continue
        if part.lower().startswith("label:"):
            value = part[6:].strip().strip('"')
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
        value = m.group(3).strip()
        if len(value) > 1 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        if column == "labels":
            terms.append(Term("label", "labels", value))
        else:
            terms.append(Term("eq" if m.group(2) == "=" else "contains", column, value))
    if not terms:
        raise UsageError(f"The variant filter {text!r} is empty.", hint="e.g. --a 'format=reel'.")
    return tuple(terms)


def terms_mask(t: ir.Table, terms: tuple[Term, ...]) -> ir.BooleanValue:
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
    return ibis.and_(*conds).fill_null(False)


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
    hint = "Write 10% (relative), 0.3pp (percentage points) or 0.1 (= 10 %)."
    if isinstance(text, (int, float)):
        value, relative, bare = float(text), True, False
    else:
        s = str(text).strip().lower().replace(" ", "")
        bare = False
        try:
            if s.endswith("pp") or s.endswith("points"):
                value, relative = float(s.removesuffix("points").removesuffix("pp")) / 100, False
            elif s.endswith("%"):
                value, relative = float(s[:-1]) / 100, True
            else:
                value, relative, bare = float(s), True, True
        except ValueError:
            raise UsageError(f"Cannot read the {what} {text!r}.", hint=hint) from None
    if not math.isfinite(value):
        raise UsageError(f"The {what} must be a number, got {text!r}.", hint=hint)
    if bare and abs(value) >= 1:
        # '5' is 500 %, which someone meaning 5 % would not see in the plan it gives
        raise UsageError(
            f"The {what} {text!r} is a fraction without a '%', so it would mean a "
            f"{value * 100:,.0f} % change.",
            hint=f"Write {text}% for {text} percent ({value / 100:g}), or "
            f"{value * 100:,.0f}% if that change is meant.",
        )
    return value, relative


def parse_rate(text: str | float, what: str = "baseline") -> float:
    """``1.2%`` or ``0.012`` → 0.012."""
    s = str(text).strip()
    try:
        value = float(s[:-1]) / 100 if s.endswith("%") else float(s)
    except ValueError:
        raise UsageError(f"Cannot read the {what} {text!r}.", hint="e.g. 0.012 or 1.2%.") from None
    if not math.isfinite(value):
        raise UsageError(f"The {what} must be a number, got {text!r}.", hint="e.g. 0.012 or 1.2%.")
    return value


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


def infer_table(metric: str, filters: list[str]) -> str:
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
    if used and not used <= cols["ad_stats"]:
        return "posts"
    # Both fit: click-through rates are mostly an ads question, the rest a posts one.
    return "ad_stats" if any(n in PROPORTIONS for n in names) else "posts"


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
    names: str | list[str] | None = None,
) -> Pilot:
    """Validate a pilot definition (nothing is stored; see :func:`create`).

    ``names`` optionally names the variants in order ("Carousels,Reels").
    """
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
    chosen = table or infer_table(metric, filters)
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
        names=_parse_names(names, len(filters)),
    )


def _parse_names(names: str | list[str] | None, count: int) -> tuple[str, ...]:
    if names is None:
        return ()
    items = [" ".join(n.split()) for n in (names.split(",") if isinstance(names, str) else names)]
    if len(items) != count or not all(items):
        raise UsageError(
            f"--names needs one name per variant ({count}), got {len(items)}.",
            hint="e.g. --names 'Carousels,Reels' (in the order of --a, --b, ...).",
        )
    if any(len(n) > 40 for n in items):
        raise UsageError("Variant names are at most 40 characters.", hint="Shorten them.")
    return tuple(items)


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
        "variants": json.dumps(
            [
                {"filter": f, "name": n}
                for f, n in zip(
                    stamped.variants, stamped.names or [""] * len(stamped.variants), strict=True
                )
            ]
        ),
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
    with ws.ibis() as con:
        return read_pilots(con)


def read_pilots(con: ibis.BaseBackend) -> list[Pilot]:
    """Every pilot, oldest first, over an open workspace backend."""
    from socialproof.workspace import engine

    if "pilots" not in con.list_tables():
        return []
    rows = engine.to_arrow(con.table("pilots").order_by("created_at")).to_pylist()
    return [_from_row(r) for r in rows]


def get(ws: Workspace, name: str) -> Pilot:
    return find(list_pilots(ws), name)


def find(pilots: list[Pilot], name: str) -> Pilot:
    """The pilot called ``name`` (case and spacing ignored); NotFound lists the others."""
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
        return v.date() if isinstance(v, datetime) else v

    split = r.get("split")
    created = r.get("created_at")
    stored = json.loads(r["variants"])
    filters = [v["filter"] if isinstance(v, dict) else str(v) for v in stored]
    names = [v.get("name", "") if isinstance(v, dict) else "" for v in stored]
    return Pilot(
        names=tuple(names) if any(names) else (),
        name=str(r["name"]),
        metric=str(r["metric"]),
        table=str(r["table_name"]),
        variants=tuple(filters),
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
    """A pilot as one row for listings."""
    return {
        "name": pilot.name,
        "metric": pilot.metric,
        "table": pilot.table,
        "variants": "; ".join(f"{pilot.display(i)}: {f}" for i, f in enumerate(pilot.variants)),
        "period": f"{pilot.date_from} to {pilot.date_to}",
        "created": pilot.created_at.isoformat(sep=" ", timespec="minutes")
        if pilot.created_at
        else "",
    }


# -- words ------------------------------------------------------------------------------------


def metric_name(kpi: KPI) -> str:
    """The KPI's label inside a sentence: 'engagement rate (by reach)', 'CTR (all)'."""
    label = kpi.label
    if len(label) > 1 and label[0].isupper() and not label[1].isupper():
        return label[0].lower() + label[1:]
    return label


def share_text(fraction: float) -> str:
    """A fraction as a percentage with the decimals it needs, never rounded to 0 % or 100 %.

    0.95 → '95 %', 0.025 → '2.5 %', 0.9995 → '99.95 %' (figures as given keep every
    digit); 1 - 0.05 / 3 → '98.3 %' (one decimal for a computed level, more when one
    would round it to 0 % or 100 %: 0.99998 → '99.998 %').
    """
    pct = fraction * 100
    for d in range(5):
        text = f"{pct:.{d}f}"
        if math.isclose(float(text), pct, rel_tol=1e-9, abs_tol=1e-12):
            return f"{text} %"
    d = 1
    while d < 8 and float(f"{pct:.{d}f}") in (0.0, 100.0):
        d += 1
    return f"{pct:.{d}f} %"


def p_text(p: float, alpha: float | None = None) -> str:
    """A p-value to three decimals ('0.042'), '< 0.001' below that, and with more decimals
    where three would put it on the other side of ``alpha`` (0.0499 is not '0.050')."""
    if p < 0.001:
        return "< 0.001"
    for d in range(3, 7):
        text = f"{p:.{d}f}"
        if alpha is None or (float(text) < alpha) == (p < alpha):
            return text
    return text


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
