"""Meta Ads Manager exports ("Export table data", CSV or XLSX) -> ``ad_stats``.

Rows are per day (a "Day" column) or per reporting range ("Reporting starts" /
"Reporting ends"), at campaign, ad set or ad level, optionally broken down by
age, gender, placement... A summary row (no campaign, ad set or ad name) may
open or close the file: it is skipped and counted in the notes. The export's
own computed values (cost per result, ROAS, CTR, CPM, CPC, frequency) are kept
in ``reported_*`` columns so our KPI formulas can be checked against them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from socialproof.ingest import _aliases as A
from socialproof.ingest.base import LINE_COLUMN, Format, ReadContext, ReadResult, Reject, Source
from socialproof.ingest.parse import day_first_evidence, parse_dates

if TYPE_CHECKING:
    from collections.abc import Iterable

    import pyarrow as pa

    from socialproof.ingest.base import Frame
    from socialproof.ingest.sqlpath import Layout, SqlRows

CAMPAIGN = (
    "Campaign name",
    "Campaign",
    "Nombre de la campaña",
    "Nom de la campagne",
    "Nome da campanha",
    "Kampagnenname",
)
AD_SET = (
    "Ad set name",
    "Ad set",
    "Nombre del conjunto de anuncios",
    "Nom de l’ensemble de publicités",
    "Nome do conjunto de anúncios",
    "Name der Anzeigengruppe",
)
AD = (
    "Ad name",
    "Ad",
    "Nombre del anuncio",
    "Nom de la publicité",
    "Nome do anúncio",
    "Anzeigenname",
)
ACCOUNT = ("Account name", "Account Name", "Account ID", "Ad account name")
# platform ids, finest level first: when exported they are the identity of a row
IDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ad", ("Ad ID", "Ad Id")),
    ("adset", ("Ad set ID", "Ad Set ID", "Adset ID")),
    ("campaign", ("Campaign ID", "Campaign Id")),
)
SPEND = (
    "Amount spent",
    "Spend",
    "Importe gastado",
    "Montant dépensé",
    "Valor usado",
    "Valor gasto",
    "Ausgegebener Betrag",
)
DAY = ("Day", "Date", "Día", "Jour", "Dia", "Tag")
PERIOD = ("Month", "Week", "Mes", "Semana", "Mois", "Semaine")  # '2026-03-01 - 2026-03-31'
START = (
    "Reporting starts",
    "Inicio del informe",
    "Début des rapports",
    "Início dos relatórios",
    "Berichtsbeginn",
)
END = (
    "Reporting ends",
    "Fin del informe",
    "Fin des rapports",
    "Término dos relatórios",
    "Berichtsende",
)
IMPRESSIONS = ("Impressions", "Impresiones", "Impressões", "Impressionen")
CURRENCY = ("Currency", "Moneda", "Devise", "Moeda", "Währung")

NUMBERS: dict[str, tuple[str, ...]] = {
    "spend": SPEND,
    "impressions": IMPRESSIONS,
    "reach": ("Reach", "Alcance", "Couverture", "Reichweite"),
    "clicks": ("Clicks (all)", "Clics (todos)", "Clics (tous)", "Cliques (todos)"),
    "link_clicks": (
        "Link clicks",
        "Clics en el enlace",
        "Clics sur un lien",
        "Cliques no link",
        "Link-Klicks",
    ),
    "results": ("Results", "Resultados", "Résultats", "Ergebnisse"),
    "purchases": ("Purchases", "Website purchases", "Compras"),
    "purchase_value": (
        "Purchases conversion value",
        "Website purchases conversion value",
        "Purchase conversion value",
    ),
    "leads": ("Leads", "Website leads", "On-Facebook leads", "Meta leads"),
    "video_views": ("ThruPlays", "3-second video plays", "Video plays"),
    "video_completions": ("Video plays at 100%",),
    "landing_page_views": ("Website landing page views", "Landing page views"),
    "adds_to_cart": ("Adds to cart", "Website adds to cart"),
    "checkouts": ("Checkouts initiated", "Website checkouts initiated"),
    "messaging_conversations": ("Messaging conversations started",),
    "reported_cost_per_result": (
        "Cost per result",
        "Cost per results",
        "Coste por resultado",
        "Coût par résultat",
        "Custo por resultado",
        "Kosten pro Ergebnis",
    ),
    "reported_roas": (
        "Purchase ROAS (return on ad spend)",
        "Website purchase ROAS (return on ad spend)",
        "Purchase ROAS (return on advertising spend)",
        "Website purchase ROAS (return on advertising spend)",
        "Purchase ROAS",
    ),
    "reported_cpm": ("CPM (cost per 1,000 impressions)", "CPM"),
    # link-click based, as the KPI registry's 'cpc' and 'ctr_link' (no fallback to
    # 'CPC (all)' / 'CTR (all)': a different quantity must not pass for this one)
    "reported_cpc": ("CPC (cost per link click)",),
    "reported_frequency": ("Frequency", "Frecuencia", "Répétition", "Frequência", "Frequenz"),
}
PERCENTS: dict[str, tuple[str, ...]] = {
    "reported_ctr": ("CTR (link click-through rate)",),
}
BREAKDOWNS: dict[str, tuple[str, ...]] = {
    "age": ("Age", "Edad", "Âge", "Idade", "Alter"),
    "gender": ("Gender", "Sexo", "Gênero", "Género", "Geschlecht"),
    "country": ("Country", "País", "Pays", "Land"),
    "region": ("Region",),
    "dma": ("DMA region",),
    "platform": ("Platform", "Publisher platform"),
    "placement": ("Placement", "Position"),
    "device": ("Impression device", "Device platform"),
    "hour": ("Time of day (ad account time zone)", "Time of day (viewer's time zone)"),
}
RESULT_TYPE = (
    "Result indicator",
    "Result type",
    "Result Type",
    "Indicador de resultado",
    "Indicador de resultados",
    "Indicateur de résultat",
    "Indicateur de résultats",
    "Ergebnisindikator",
)
OBJECTIVE = ("Objective", "Campaign objective")
ATTRIBUTION = (
    "Attribution setting",
    "Attribution settings",
    "Configuración de atribución",
    "Paramètre d'attribution",
    "Configuração de atribuição",
    "Attributionseinstellung",
)

_SUMMARY = r"(?i)^(?:totals?|total results|results from \d+ .*|all)$"

ID_COLUMNS: tuple[str, ...] = tuple(a for _, aliases in IDS for a in aliases)
#: what identifies a row: a level's name or id, and its day or reporting range
IDENTITY: tuple[tuple[str, ...], ...] = (
    CAMPAIGN + AD_SET + AD + ID_COLUMNS,
    DAY + START + PERIOD,
)
#: delivery and outcome columns: a file needs at least one (Ads Manager lets people pick)
METRICS: tuple[str, ...] = tuple(
    a for target, aliases in NUMBERS.items() if not target.startswith("reported_") for a in aliases
)
#: columns only Ads Manager writes: without 'Amount spent' one of them must be there, so a
#: page or post export with a 'Campaign name' column does not pass for an ad export
ADS_ONLY: tuple[str, ...] = (
    *AD_SET,
    *AD,
    *ID_COLUMNS,
    *START,
    *RESULT_TYPE,
    "Results",
    "ThruPlays",
    "Frequency",
    "CPM (cost per 1,000 impressions)",
    "Cost per result",
    "Link clicks",
    "Clicks (all)",
)
#: KPIs that need a column, said after import when the file lacks it
KPI_NEEDS: tuple[tuple[str, str, str], ...] = (
    ("spend", "Amount spent", "spend, CPM, CPC, cost per result and ROAS"),
    ("impressions", "Impressions", "impressions, CPM, CTR and frequency"),
    ("link_clicks", "Link clicks", "link clicks, CPC and link CTR"),
    ("purchase_value", "Purchases conversion value", "ROAS"),
)


class MetaAdsFormat(Format):
    name = "meta-ads"
    label = "Meta Ads Manager export"
    tables = ("ad_stats",)
    required = IDENTITY

    def missing(self, source: Source) -> list[str]:
        words = {
            IDENTITY[0][0]: "a campaign, ad set or ad name or id (Campaign name, Ad set name, "
            "Ad name, Ad ID)",
            IDENTITY[1][0]: "a day or reporting range (Day, Reporting starts and ends, Month)",
        }
        found = [words.get(m, m) for m in super().missing(source)]
        if not any(A.has(f, METRICS) for f in source.frames):
            found.append("a metric (Amount spent, Impressions, Reach, Results, ...)")
        elif not any(A.has(f, SPEND) or A.has(f, ADS_ONLY) for f in source.frames):
            found.append(
                "Amount spent (or another column only Ads Manager writes: Ad set name, "
                "Reporting starts, Results, Link clicks, ...)"
            )
        return found

    def detect(self, source: Source) -> float:
        optional = (
            IMPRESSIONS,
            ("Reach",),
            ("Results",),
            RESULT_TYPE,
            ("Cost per result",),
            ("Frequency",),
            ("CPM (cost per 1,000 impressions)",),
            ("Link clicks", "Clicks (all)"),
            END,
        )
        best = 0.0
        for frame in source.frames:
            score = A.score(frame, self.required, optional)
            if not score or not A.has(frame, METRICS):
                continue
            if not A.has(frame, SPEND):
                # the user left 'Amount spent' out: Ads Manager's own columns must show
                if not A.has(frame, ADS_ONLY):
                    continue
                score = min(score, 0.7)
            best = max(best, score)
        return best

    def sql_read(self, layout: Layout, ctx: ReadContext) -> SqlRows | None:
        """The rows of :func:`_read_frame` as SQL (daily or reporting-range files)."""
        from socialproof.ingest.sqlpath import SqlRows

        frame = layout.frame
        if A.score(frame, self.required) == 0 or not A.has(frame, METRICS):
            return None
        if not A.has(frame, DAY) and not A.has(frame, START):
            return None  # monthly / weekly ranges: the Python path
        rows = SqlRows(layout, "ad_stats", ctx)
        rows.decimal_is_point()
        rows.const("platform", ctx.platform or "meta")
        # a summary row (no name or id at any level, or 'Total') sends the file to read()
        present = [rows.text(target, aliases) for target, aliases in _LEVELS]
        present += [rows.raw(aliases) for _, aliases in IDS]
        # only cells starting with 'a', 'r' or 't' can be 'All', 'Results from ...', 'Total'
        blank = [
            f"(CASE WHEN coalesce({v}, '') = '' THEN true WHEN ascii({v}) IN (65, 82, 84, 97, "
            f"114, 116) THEN regexp_full_match({v}, {_sql_text(_SUMMARY[4:])}, 'i') ELSE false END)"
            for v in present
            if v is not None
        ]
        rows.fail_where(" AND ".join(blank) or "true")
        rows.text("account", ACCOUNT)
        key = "''"
        for level, aliases in reversed(IDS):
            raw = rows.raw(aliases)
            if raw is None:
                continue
            rows.text("_" + level, aliases)  # whitespace around an id: the Python path
            clean = f"regexp_replace(coalesce({raw}, ''), '^(?:id:)?([0-9]+)(?:\\.0)?$', '\\1')"
            ok = f"({clean} <> '' AND {clean} NOT IN ({_sql_missing()}))"
            key = f"CASE WHEN {ok} THEN {_sql_text(level + ':')} || {clean} ELSE {key} END"
        rows.set("object_key", key)
        if A.has(frame, DAY):
            day = rows.date("date_start", DAY)
            rows.set("date_stop", day or "NULL")
        else:
            start = rows.date("date_start", START)
            rows.set("date_stop", rows.date("date_stop", END) or start or "NULL")
        rows.require("date_start")
        rows.require("date_stop")
        parts = []
        for name, aliases in BREAKDOWNS.items():
            cell = rows.text("_" + name, aliases)
            if cell is None:
                continue
            parts.append(
                f"CASE WHEN {cell} = '' THEN '' ELSE {_sql_text(name + '=')} || {cell} END"
            )
        if parts:
            joined = " || ';' || ".join(parts)
            rows.set("breakdown", f"trim(regexp_replace({joined}, ';{{2,}}', ';', 'g'), ';')")
        else:
            rows.const("breakdown", "")
        currency = rows.text("currency", CURRENCY)
        default = _sql_text(A.currency_suffix(frame, SPEND) or ctx.currency)
        rows.set(
            "currency",
            default
            if currency is None
            else f"CASE WHEN {currency} = '' THEN {default} ELSE {currency} END",
        )
        for target, aliases in (("result_type", RESULT_TYPE), ("attribution", ATTRIBUTION)):
            cell = rows.text(target, aliases)
            if cell is not None:
                rows.set(target, f"nullif({cell}, '')")
        rows.text("objective", OBJECTIVE)
        other = _other_currency(frame)
        for target, aliases in NUMBERS.items():
            if target not in other:
                rows.number(target, aliases)
        rows.notes.extend(_other_currency_note(frame, other))
        for target in ZERO_WHEN_BLANK:  # a blank cell is a row without one (0)
            if target in rows.values:
                rows.set(target, f"coalesce({rows.values[target]}, 0)")
        for target, aliases in PERCENTS.items():
            rows.number(target, aliases, percent=True)
        if "spend" in rows.values:  # a negative spend is rejected by read(): its path
            rows.fail_stored('min("spend") < 0')
        rows.notes.extend(
            _lacking_note(target for target in NUMBERS if target in rows.values or target in other)
        )
        return rows

    def read(self, source: Source, ctx: ReadContext) -> ReadResult:

        tables: list[pa.Table] = []
        rejects: list[Reject] = []
        notes: list[str] = []
        rows_read = 0
        for frame in source.frames:
            if A.score(frame, self.required) == 0 or not A.has(frame, METRICS):
                continue
            table, rej, frame_notes = _read_frame(frame, ctx)
            rows_read += frame.data.num_rows
            tables.append(table)
            rejects.extend(rej)
            notes.extend(frame_notes)
        out = {"ad_stats": A.concat(tables)} if tables else {}
        return ReadResult(out, rows_read, rejects, list(dict.fromkeys(notes)))


def _read_frame(frame: Frame, ctx: ReadContext) -> tuple[pa.Table, list[Reject], list[str]]:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    rows = A.Rows(frame, "ad_stats", ctx)
    rows.const("platform", ctx.platform or "meta")
    names = {}
    levels: list[tuple[str, A.Aliases]] = [("campaign", CAMPAIGN), ("ad_set", AD_SET), ("ad", AD)]
    for target, aliases in levels:
        names[target] = rows.text(target, aliases)
    # the summary row: no name at any level (or 'Total'), in a file that has named rows
    present = [v for v in names.values() if v is not None]
    present += [v for _, aliases in IDS if (v := rows.raw(aliases)) is not None]
    empty = np.ones(rows.n, dtype=bool)
    for v in present:
        blank = pc.or_(
            pc.equal(v, "").fill_null(True), pc.match_substring_regex(v, _SUMMARY).fill_null(False)
        )
        empty &= blank.to_numpy(zero_copy_only=False).astype(bool)
    if empty.any() and (~empty).any():
        rows.skip_rows(empty, "Skipped {n} summary row{s} (totals of the other rows).")
    elif empty.all() and rows.n:
        rows.fail(empty, "no campaign, ad set or ad name or id")
    # the file's account column wins; rows without one get --account (ingest/identity.py)
    rows.text("account", ACCOUNT)
    _object_keys(rows)
    # dates: per day, or per reporting range
    day = rows.date("date_start", DAY) if A.has(frame, DAY) else None
    period = rows.raw(PERIOD) if day is None else None
    if day is not None:
        rows.set("date_stop", day)
    elif period is not None:
        # monthly / weekly breakdown: '2026-03-01 - 2026-03-31'
        ranges = pc.extract_regex(period, r"^\s*(?P<a>.+?)\s+[-–]\s+(?P<b>.+?)\s*$")
        header = A.find(frame, PERIOD) or "Month"
        halves = {f: pc.struct_field(ranges, f) for f in ("a", "b")}
        # one day/month order for both ends: '01/03/2026 - 07/03/2026' settles it by its
        # end alone, which a start read on its own would not see (read as 3 January)
        dayfirst = rows.dayfirst
        if dayfirst is None:
            dayfirst = day_first_evidence(pa.concat_arrays(list(halves.values())))
        for target, field in (("date_start", "a"), ("date_stop", "b")):
            parsed = parse_dates(halves[field], dayfirst=dayfirst)
            rows.values[target] = parsed.values
        bad = ~rows.values["date_start"].is_valid().to_numpy(zero_copy_only=False)
        rows.fail(bad & ~A.parse_missing(period), f"column '{header}': not a date range")
    else:
        rows.date("date_start", START)
        stop = rows.date("date_stop", END)
        if stop is None:
            rows.set("date_stop", rows.values["date_start"])
    rows.require("date_start", "date (Day, Month or Reporting starts)")
    rows.require("date_stop", "date (Reporting ends)")
    # breakdown columns -> 'age=25-34;gender=female'
    parts: list[pa.Array] = []
    for key, aliases in BREAKDOWNS.items():
        raw = rows.raw(aliases)
        if raw is None:
            continue
        clean = pc.utf8_trim_whitespace(raw).fill_null("")
        parts.append(
            pc.if_else(pc.equal(clean, ""), "", pc.binary_join_element_wise(key, clean, "="))
        )
    if parts:
        joined = pc.binary_join_element_wise(*parts, ";")
        joined = pc.replace_substring_regex(joined, ";{2,}", ";")
        rows.set("breakdown", pc.utf8_trim(joined, characters=";"))
    else:
        rows.const("breakdown", "")
    # currency: a Currency column, else the suffix of the spend header, else the workspace's
    currency = rows.text("currency", CURRENCY)
    suffix = A.currency_suffix(frame, SPEND)
    if currency is None:
        rows.const("currency", suffix or ctx.currency)
    else:
        rows.set("currency", pc.if_else(pc.equal(currency, ""), suffix or ctx.currency, currency))
    _currency_symbols(rows, currency, suffix)
    for target, aliases in (("result_type", RESULT_TYPE), ("attribution", ATTRIBUTION)):
        cell = rows.text(target, aliases)
        if cell is not None:
            rows.set(target, pc.if_else(pc.equal(cell, ""), None, cell))
    rows.text("objective", OBJECTIVE)
    other = _other_currency(frame)
    for target, aliases in NUMBERS.items():
        if target not in other:
            rows.number(target, aliases)
    rows.notes.extend(_other_currency_note(frame, other))
    _blank_counts_are_zero(rows)
    for target, aliases in PERCENTS.items():
        rows.number(target, aliases, percent=True)
    # zero-spend rows with no delivery are real days (kept); negative spend is not
    spend = rows.values.get("spend")
    if spend is not None:
        negative = pc.less(spend, 0).fill_null(False).to_numpy(zero_copy_only=False)
        rows.fail(negative, "negative amount spent")
    rows.notes.extend(_lacking_note([*rows.values, *other]))
    table, rejects = rows.finish()
    if frame.line_numbers is not None and len(frame.line_numbers) == frame.data.num_rows:
        import pyarrow as pa

        kept = ~rows.bad & ~rows.skip
        lines = pa.array(frame.line_numbers, pa.int64())
        if not kept.all():
            lines = lines.filter(pa.array(kept))
        table = table.append_column(LINE_COLUMN, lines)
    return table, rejects, rows.notes


_LEVELS: tuple[tuple[str, A.Aliases], ...] = (
    ("campaign", CAMPAIGN),
    ("ad_set", AD_SET),
    ("ad", AD),
)


#: counts of actions Ads Manager leaves blank (or writes '-') on a row that got none: read
#: as 0 (delivery counts, impressions and reach, it always writes)
ZERO_WHEN_BLANK = (
    "results",
    "purchases",
    "purchase_value",
    "leads",
    "link_clicks",
    "landing_page_views",
    "adds_to_cart",
    "checkouts",
    "messaging_conversations",
)


#: currency signs that name one currency ('$' and '¥' name several: not read)
_SIGNS = {"R$": "BRL", "€": "EUR", "£": "GBP", "₹": "INR", "₦": "NGN", "₩": "KRW", "₺": "TRY"}


def _currency_symbols(rows: A.Rows, column: pa.Array | None, suffix: str | None) -> None:
    """The currency a spend cell writes ('€12.00', '12,00 €', a spreadsheet's currency
    format): the row's currency where the file names none, else it must agree."""
    import pyarrow as pa
    import pyarrow.compute as pc

    raw = rows.raw(SPEND)
    if raw is None:
        return
    signs = "|".join(re.escape(k) for k in _SIGNS)
    found = pc.struct_field(pc.extract_regex(raw, f"(?P<s>{signs})"), "s")
    if found.null_count == len(found):
        return
    code = pa.array([_SIGNS.get(v) if v else None for v in found.to_pylist()], pa.string())
    named = pa.repeat(pa.scalar(suffix is not None), len(code))
    if column is not None:
        named = pc.or_(named, pc.not_equal(column, "").fill_null(False))
    current = rows.values["currency"]
    clash = pc.and_(pc.and_(code.is_valid(), named), pc.not_equal(code, current).fill_null(False))
    mask = clash.to_numpy(zero_copy_only=False).astype(bool)
    if mask.any():
        header = rows.header(SPEND) or "Amount spent"
        reasons = [
            f"column '{header}': '{cell}' is in {sign}, not {cur} (the file's currency)"
            if bad
            else ""
            for bad, cell, sign, cur in zip(
                mask.tolist(), raw.to_pylist(), code.to_pylist(), current.to_pylist(), strict=True
            )
        ]
        rows.fail(mask, reasons)
    rows.set("currency", pc.if_else(pc.and_(code.is_valid(), pc.invert(named)), code, current))


def _blank_counts_are_zero(rows: A.Rows) -> None:
    """A blank Results, Purchases, Purchases conversion value, Leads, Link clicks (or
    another action count of :data:`ZERO_WHEN_BLANK`) cell is 0: Ads Manager leaves it
    empty on the rows (days, ads) that got none (and shows a dash on screen, which copies
    carry), and its cost per result, CPC, CTR, cost per lead and ROAS count their spend
    and impressions. Other markers ('#N/A') stay unknown."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for target in ZERO_WHEN_BLANK:
        values = rows.values.get(target)
        raw = rows.raw(NUMBERS[target])
        if values is None or raw is None:
            continue
        cell = pc.utf8_trim_whitespace(raw)
        blank = pc.is_in(cell, pa.array(["", "-", "--", "---", "–", "—"])).fill_null(True)
        fill = pc.and_(blank, pc.is_null(values))
        rows.values[target] = pc.if_else(fill, pa.scalar(0, values.type), values)


#: columns of amounts of money, in the spend's currency
MONEY = ("purchase_value", "reported_cost_per_result", "reported_cpm", "reported_cpc")


def _other_currency(frame: Frame) -> dict[str, str]:
    """The amount columns whose header names another currency than the spend's
    ('Purchases conversion value (USD)' beside 'Amount spent (EUR)'), target -> header:
    a row has one currency, so they cannot be stored beside the spend."""
    spend = A.currency_suffix(frame, SPEND)
    out: dict[str, str] = {}
    for target in MONEY if spend is not None else ():
        own = A.currency_suffix(frame, NUMBERS[target])
        header = A.find(frame, NUMBERS[target])
        if own is not None and own != spend and header is not None:
            out[target] = header
    return out


def _other_currency_note(frame: Frame, other: dict[str, str]) -> list[str]:
    """Say which amount columns were left out for their currency (see _other_currency)."""
    if not other:
        return []
    spend = A.find(frame, SPEND)
    headers = ", ".join(f"'{h}'" for h in other.values())
    return [
        f"{headers} left out: not in the currency of '{spend}', and each row has one "
        "currency (ROAS would divide one currency by another). Re-export with every amount "
        "in the ad account's currency."
    ]


def _lacking_note(found: Iterable[str]) -> list[str]:
    """The KPIs this export cannot give, in a note (or none)."""
    have = set(found)
    lacking = [(header, kpis) for target, header, kpis in KPI_NEEDS if target not in have]
    if not lacking:
        return []
    headers = ", ".join(f"'{h}'" for h, _ in lacking)
    kpis = "; ".join(k for _, k in lacking)
    return [
        f"This export has no {headers} column: it cannot give {kpis}. "
        "Re-export with those columns to have them."
    ]


def _sql_text(text: str) -> str:
    from socialproof.ingest.sqlpath import lit

    return lit(text)


def _sql_missing() -> str:
    from socialproof.ingest.parse import missing_forms

    return ", ".join(_sql_text(m) for m in missing_forms())


def _object_keys(rows: A.Rows) -> None:
    """``object_key`` from the finest id the export carries ('ad:120330...'); '' without."""
    import pyarrow as pa
    import pyarrow.compute as pc

    key: pa.Array = pa.array([""] * rows.n, pa.string())
    for level, aliases in reversed(IDS):
        raw = rows.raw(aliases)
        if raw is None:
            continue
        clean = pc.utf8_trim_whitespace(raw).fill_null("")
        clean = pc.replace_substring_regex(clean, r"^(?:id:)?(\d+)(?:\.0)?$", r"\1")
        ok = pc.and_(pc.not_equal(clean, ""), pa.array(~A.parse_missing(clean)))
        key = pc.if_else(ok, pc.binary_join_element_wise(f"{level}:", clean, ""), key)
    rows.set("object_key", key)
