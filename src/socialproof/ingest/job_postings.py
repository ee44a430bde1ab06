"""Job postings: CSV / JSON / JSON Lines tables, and Markdown or HTML files with front matter.

Job boards publish postings as tables (one row each) or as one file per
posting with YAML (``---``) or TOML (``+++``) front matter above the body.
Salary stays free text here ("$55,000 - $65,000/year"); the market module
extracts facts from it.
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING, Any

from socialproof.errors import BadExport
from socialproof.ingest._aliases import Rows, find
from socialproof.ingest.base import LINE_COLUMN, Format, Frame, ReadContext, ReadResult, Source

if TYPE_CHECKING:
    import pyarrow as pa

_ID: tuple[str, ...] = ("posting_id", "job_id", "job id", "id", "requisition_id", "reference")
_TITLE: tuple[str, ...] = ("title", "job_title", "job title", "business title", "position", "role")
_COMPANY: tuple[str, ...] = (
    "company",
    "companyname",
    "company_name",
    "organization",
    "organisation",
    "employer",
    "agency",
    "hiring_organization",
)
_LOCATION: tuple[str, ...] = ("location", "work location", "job_location", "city", "locations")
_SALARY: tuple[str, ...] = ("salary", "salary_text", "compensation", "pay", "salary range", "wage")
_SAL_FROM: tuple[str, ...] = ("salary range from", "salary_min", "min_salary")
_SAL_TO: tuple[str, ...] = ("salary range to", "salary_max", "max_salary")
_SAL_FREQ: tuple[str, ...] = ("salary frequency", "pay_period", "salary_period")
_SAL_CURRENCY: tuple[str, ...] = (
    "salary currency",
    "salary_currency",
    "pay currency",
    "currency",
    "currency_code",
)
_TYPE: tuple[str, ...] = (
    "employment_type",
    "employment type",
    "jobtype",
    "job_type",
    "type",
    "full-time/part-time indicator",
    "a_job_type",
)
_POSTED: tuple[str, ...] = (
    "posted_at",
    "date_posted",
    "posting date",
    "posted",
    "date",
    "published",
    "created_at",
    "timestamp",
    "sort_date",
    "listed_at",
)
_URL: tuple[str, ...] = ("url", "link", "job_url", "applyurl", "apply_url", "permalink")
_BODY: tuple[str, ...] = (
    "body",
    "description",
    "job description",
    "body_markdown",
    "text",
    "content",
    "summary",
    "details",
)
_SOURCE: tuple[str, ...] = ("source", "host", "board", "site")
# schema.org JobPosting names (JSON-LD from a board's page), matched in any case
_COMPANY += ("hiring organization", "company_info")
_LOCATION += ("job location", "job_location_type", "address")
_SALARY += ("base salary", "estimated salary", "salary_range")


def _variants(aliases: tuple[str, ...]) -> tuple[str, ...]:
    """Each alias as people write headers: 'company_name', 'Company Name', 'companyName'."""
    out: list[str] = []
    for a in aliases:
        for v in (a, a.replace("_", " "), a.replace(" ", "_"), re.sub(r"[\s_]+", "", a)):
            if v not in out:
                out.append(v)
    return tuple(out)


_ID, _TITLE, _COMPANY, _LOCATION, _SALARY, _SAL_FROM, _SAL_TO, _SAL_FREQ = (
    _variants(g) for g in (_ID, _TITLE, _COMPANY, _LOCATION, _SALARY, _SAL_FROM, _SAL_TO, _SAL_FREQ)
)
_TYPE, _POSTED, _URL, _BODY, _SOURCE = (
    _variants(g) for g in (_TYPE, _POSTED, _URL, _BODY, _SOURCE)
)

_FRONT = re.compile(r"\A\ufeff?\s*(---|\+\+\+)[ \t]*\r?\n(.*?)\r?\n\1[ \t]*(?:\r?\n|\Z)", re.S)
_TAG = re.compile(r"<[^>]+>")
# Markup in a description pasted from a job board: common tags or character references.
_HTML_HINT = re.compile(
    r"<(?:p|br|div|span|ul|ol|li|h[1-6]|strong|b|i|em|u|a|table|tr|td|section|article)\b[^>]*>"
    r"|&(?:[a-z]{2,8}|#\d{2,6}|#x[0-9a-f]{2,5});",
    re.I,
)


def looks_like_html(text: str) -> bool:
    """Whether a posting's text holds HTML tags or character references (&ndash;, &pound;)."""
    return bool(_HTML_HINT.search(text))


def split_front_matter(text: str) -> tuple[dict[str, Any], str] | None:
    """(front matter, body) of a Markdown/HTML file, or None when it has none."""
    match = _FRONT.match(text)
    if not match:
        return None
    fence, block = match.group(1), match.group(2)
    try:
        if fence == "+++":
            import tomllib

            meta: Any = tomllib.loads(block)
        else:
            import yaml

            meta = yaml.safe_load(block) or {}
    except Exception as exc:  # YAML and TOML raise their own error classes
        raise BadExport(
            f"The front matter is not valid {'TOML' if fence == '+++' else 'YAML'}: "
            f"{str(exc).splitlines()[0]}.",
            hint="Fix the block between the fences at the top of the file.",
        ) from None
    if not isinstance(meta, dict):
        return None
    return {str(k): v for k, v in meta.items()}, text[match.end() :]


def _norm_keys(meta: dict[str, Any]) -> dict[str, Any]:
    from socialproof.ingest.base import normalize_header

    return {normalize_header(k): v for k, v in meta.items()}


def _pick(meta: dict[str, Any], aliases: tuple[str, ...]) -> Any:
    for alias in aliases:
        if alias in meta and meta[alias] not in (None, ""):
            return meta[alias]
    return None


class JobPostingsFormat(Format):
    """Job postings from boards: tables, or one Markdown/HTML file per posting."""

    name = "job-postings"
    label = "Job postings (CSV, JSON Lines, Markdown/HTML with front matter)"
    tables = ("job_postings",)
    required = (_TITLE, _BODY, _COMPANY)
    kinds = ("csv", "xlsx", "xls", "json", "jsonl", "markdown", "html")

    def detect(self, source: Source) -> float:
        if source.kind in ("markdown", "html"):
            split = split_front_matter(source.text or "") if source.text else None
            if split is None:
                return 0.0
            meta = _norm_keys(split[0])
            if _pick(meta, _TITLE) is None:
                return 0.0
            hits = sum(_pick(meta, g) is not None for g in (_COMPANY, _SALARY, _LOCATION, _TYPE))
            return 0.5 + 0.12 * hits if hits else 0.2
        best = 0.0
        for frame in source.frames:
            if find(frame, _TITLE) is None or find(frame, _BODY) is None:
                continue
            hits = sum(
                find(frame, g) is not None
                for g in (_COMPANY, _SALARY + _SAL_FROM, _LOCATION, _TYPE, _URL)
            )
            if hits >= 2:
                best = max(best, 0.55 + 0.08 * hits)
        return best

    def read(self, source: Source, ctx: ReadContext) -> ReadResult:
        if source.kind in ("markdown", "html"):
            return self._read_document(source, ctx)
        frame = max(
            source.frames,
            key=lambda f: sum(find(f, g) is not None for g in (_TITLE, _BODY, _COMPANY, _SALARY)),
        )
        return self._read_frame(frame, source, ctx)

    # -- tables ------------------------------------------------------------------
    def _read_frame(self, frame: Frame, source: Source, ctx: ReadContext) -> ReadResult:
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        frame = _plain_frame(frame)
        rows = Rows(frame, "job_postings", ctx)
        title = rows.text("title", _TITLE)
        company = rows.text("company", _COMPANY)
        rows.text("location", _LOCATION)
        salary = rows.text("salary_text", _SALARY)
        if salary is None:
            salary = _salary_from_range(rows)
            if salary is not None:
                rows.set("salary_text", salary)
        currency = rows.raw(_SAL_CURRENCY)
        if salary is not None and currency is not None:  # 'Currency: GBP' beside '25 - 30'
            rows.set(
                "salary_text",
                [
                    _with_currency(t, c)
                    for t, c in zip(salary.to_pylist(), currency.to_pylist(), strict=True)
                ],
            )
        rows.text("employment_type", _TYPE)
        rows.date("posted_at", _POSTED)
        url = rows.text("url", _URL)
        body = rows.text("body", _BODY)
        src = rows.text("source", _SOURCE)
        if src is None:
            rows.const("source", source.display_name.rsplit("/", 1)[-1])
        given = rows.text("posting_id", _ID)
        rows.require("title", "job title")
        ids = _posting_ids(given, title, company, url, body, rows.n)  # from the text as given
        if body is not None:  # descriptions pasted as HTML: '&pound;35k&ndash;&pound;40k'
            texts = body.to_pylist()
            if any(isinstance(v, str) and looks_like_html(v) for v in texts):
                rows.set(
                    "body",
                    pa.array(
                        [
                            _html_text(v) if isinstance(v, str) and looks_like_html(v) else v
                            for v in texts
                        ],
                        pa.string(),
                    ),
                )
        rows.set("posting_id", ids)
        table, rejects = rows.finish()
        lines = frame.line_numbers
        if lines is not None and len(lines) == rows.n:
            kept = np.asarray(lines, dtype=np.int64)[~rows.bad & ~rows.skip]
            table = table.append_column(LINE_COLUMN, pa.array(kept, pa.int64()))
        _ = pc
        return ReadResult(
            tables={"job_postings": table},
            rows_read=rows.n,
            rejects=rejects,
            notes=list(dict.fromkeys(rows.notes)),
        )

    # -- documents --------------------------------------------------------------
    def _read_document(self, source: Source, ctx: ReadContext) -> ReadResult:
        import pyarrow as pa

        from socialproof.ingest.parse import parse_dates

        split = split_front_matter(source.text or "")
        if split is None:
            # a posting pasted as Markdown: '# Title' on its first line names it
            heading = re.match(r"\A\ufeff?\s*#\s+(.+?)\s*#*\s*$", source.text or "", re.M)
            if heading is None or source.kind != "markdown":
                raise BadExport(
                    f"{source.display_name} has no front matter (a block between '---' lines "
                    "at the top with title, company, ...) and no '# Title' first line.",
                    hint="Add one, or import the posting as a CSV row.",
                )
            split = ({"title": heading.group(1)}, source.text or "")
        meta, body = split
        meta = _norm_keys(meta)
        if source.kind == "html" or body.lstrip().startswith("<") or looks_like_html(body):
            body = _html_text(body)

        def text(aliases: tuple[str, ...]) -> str | None:
            value = _pick(meta, aliases)
            if value is None:
                return None
            kind = next((k for k, group in _NESTED.items() if aliases is group), "")
            return _readable(kind, value).strip() or None

        title = text(_TITLE)
        if not title:
            raise BadExport(
                f"{source.display_name}: the front matter has no title.",
                hint="Add 'title: ...' to the front matter.",
            )
        posted_raw = _pick(meta, _POSTED)
        posted = parse_dates([None if posted_raw is None else str(posted_raw)])
        notes = list(posted.notes)
        if posted.invalid.any():
            notes.append(f"{source.display_name}: the date {posted_raw!r} could not be read.")
        company, url = text(_COMPANY), text(_URL)
        given = text(_ID)
        posting_id = given or _hash_id(title, company or "", url or "", body[:500])
        row = {
            "posting_id": posting_id,
            "source": text(_SOURCE) or source.display_name.rsplit("/", 1)[-1],
            "title": title,
            "company": company,
            "location": text(_LOCATION),
            "salary_text": _with_currency(text(_SALARY), _pick(meta, _SAL_CURRENCY)),
            "employment_type": text(_TYPE),
            "posted_at": posted.values[0].as_py(),
            "url": url,
            "body": body.strip(),
            LINE_COLUMN: 1,
        }
        table = pa.Table.from_pylist([row]).cast(
            pa.schema(
                [
                    (
                        k,
                        pa.date32()
                        if k == "posted_at"
                        else pa.int64()
                        if k == LINE_COLUMN
                        else pa.string(),
                    )
                    for k in row
                ]
            )
        )
        return ReadResult(tables={"job_postings": table}, rows_read=1, notes=notes)


# -- nested values: a JSON object where a column holds one text ------------------------

_NESTED = {"company": _COMPANY, "location": _LOCATION, "salary": _SALARY, "type": _TYPE}
_NAME_KEYS = ("name", "display_name", "displayname", "legalname", "title", "label")
_PLACE_KEYS = (
    ("city", "locality", "addresslocality", "town"),
    ("region", "state", "addressregion", "county", "province"),
    ("country", "addresscountry", "country_code", "countrycode"),
)
_LOW_KEYS = ("min", "minvalue", "minimum", "from", "min_amount", "low", "lower")
_HIGH_KEYS = ("max", "maxvalue", "maximum", "to", "max_amount", "high", "upper")
_ONE_KEYS = ("value", "amount")
_PERIODS = {
    **dict.fromkeys(("year", "annual", "annually", "yearly"), "a year"),
    **dict.fromkeys(("month", "monthly"), "a month"),
    **dict.fromkeys(("week", "weekly"), "a week"),
    **dict.fromkeys(("day", "daily"), "a day"),
    **dict.fromkeys(("hour", "hourly"), "an hour"),
}


def _plain_frame(frame: Frame) -> Frame:
    """The frame with JSON objects in its company, location, salary and job type cells
    written as the text a board shows ('{"name": "Gamma"}' -> 'Gamma'; a salary object
    -> 'USD 50,000 - 60,000 a year'), so nothing in them is lost or misread."""
    import dataclasses

    import pyarrow as pa

    from socialproof.ingest._aliases import find

    data = frame.data
    for kind, aliases in _NESTED.items():
        column = find(frame, aliases)
        if column is None or column not in data.column_names:
            continue
        values = data.column(column).to_pylist()
        if not any(isinstance(v, str) and v.lstrip()[:1] in ("{", "[") for v in values):
            continue
        plain = [_readable(kind, v) if isinstance(v, str) else v for v in values]
        data = data.set_column(
            data.column_names.index(column), column, pa.array(plain, pa.string())
        )
    return dataclasses.replace(frame, data=data)


def _readable(kind: str, value: Any) -> str:
    """A cell or front-matter value as text; JSON objects and lists read for ``kind``."""
    import json

    if isinstance(value, str):
        text = value.strip()
        if text[:1] not in ("{", "["):
            return value
        try:
            value = json.loads(text)
        except ValueError:
            return text
    if isinstance(value, list):
        sep = "; " if any(isinstance(v, (dict, list)) for v in value) else ", "
        return sep.join(filter(None, (_readable(kind, v) for v in value)))
    if not isinstance(value, dict):
        return "" if value is None else str(value)
    items = {re.sub(r"[\s@]+", "", str(k)).lower(): v for k, v in value.items()}
    if kind == "salary":
        return _salary_text(items) or json.dumps(value, ensure_ascii=False)
    if kind == "location":
        if isinstance(items.get("address"), dict):
            return _readable(kind, items["address"])
        parts = []
        for keys in _PLACE_KEYS:
            place = next((items[k] for k in keys if items.get(k) not in (None, "")), None)
            if place is not None:  # addressCountry may be {"name": "US"}
                parts.append(_readable("company", place))
        remote = items.get("remote") is True
        remote = remote or str(items.get("joblocationtype", "")).upper() == "TELECOMMUTE"
        if parts or remote:
            text = ", ".join(parts)
            return (f"{text} (remote)" if text else "Remote") if remote else text
    name = next((items[k] for k in _NAME_KEYS if items.get(k) not in (None, "")), None)
    if name is not None:
        return _readable(kind, name)
    return json.dumps(value, ensure_ascii=False)


def _salary_text(items: dict[str, Any]) -> str:
    """'USD 50,000 - 60,000 a year' from a salary object (schema.org MonetaryAmount too)."""
    inner = items.get("value")
    if isinstance(inner, dict):  # {"currency": "USD", "value": {"minValue": .., "unitText": ..}}
        nested = {re.sub(r"[\s@]+", "", str(k)).lower(): v for k, v in inner.items()}
        items = {**{k: v for k, v in items.items() if k != "value"}, **nested}

    def number(keys: tuple[str, ...]) -> float | None:
        for k in keys:
            v = items.get(k)
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                return float(v)
            if isinstance(v, str):
                try:
                    return float(v.replace(",", "").strip())
                except ValueError:
                    continue
        return None

    low, high, one = number(_LOW_KEYS), number(_HIGH_KEYS), number(_ONE_KEYS)
    if low is None and high is None:
        low = high = one
    if low is None and high is None:
        return ""
    currency = next(
        (
            str(items[k]).strip()
            for k in ("currency", "currencycode", "salarycurrency")
            if items.get(k)
        ),
        "",
    )
    period_keys = ("period", "unittext", "unit", "interval", "frequency", "per")
    period = next((str(items[k]).strip().lower() for k in period_keys if items.get(k)), "")
    shown = [v for v in dict.fromkeys((low, high)) if v is not None]
    amounts = " - ".join(f"{v:,.0f}" if v.is_integer() else f"{v:,.2f}" for v in shown)
    return " ".join(p for p in (currency, amounts, _PERIODS.get(period, period)) if p)


_MONEY_MARK = re.compile(r"[$£€¥₹₩₱]|zł", re.I)


def _with_currency(text: str | None, currency: Any) -> str | None:
    """A salary with the currency a column or key beside it names ('GBP 25 - 30 / hourly'):
    the text alone named none, and the currency was lost ('no currency named')."""
    code = "" if currency is None else str(currency).strip()
    if not text or not code or _MONEY_MARK.search(text):
        return text
    if re.search(rf"(?<![A-Za-z]){re.escape(code)}(?![A-Za-z])", text, re.I):
        return text
    return f"{code.upper() if len(code) == 3 else code} {text}"


def _salary_from_range(rows: Rows) -> pa.Array | None:
    import pyarrow as pa
    import pyarrow.compute as pc

    low, high = rows.raw(_SAL_FROM), rows.raw(_SAL_TO)
    if low is None and high is None:
        return None
    freq = rows.raw(_SAL_FREQ)
    empty = pa.array([""] * rows.n, pa.string())
    low = pc.utf8_trim_whitespace(low) if low is not None else empty
    high = pc.utf8_trim_whitespace(high) if high is not None else empty
    text = pc.binary_join_element_wise(low, high, " - ")
    text = pc.if_else(pc.equal(high, ""), low, text)
    text = pc.if_else(pc.equal(low, ""), high, text)
    if freq is not None:
        with_freq = pc.binary_join_element_wise(text, pc.utf8_trim_whitespace(freq), " / ")
        text = pc.if_else(pc.equal(pc.utf8_trim_whitespace(freq), ""), text, with_freq)
    return text


def _hash_id(*parts: str) -> str:
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8"), usedforsecurity=False)
    return "jp-" + digest.hexdigest()[:16]


def _posting_ids(
    given: pa.Array | None,
    title: pa.Array | None,
    company: pa.Array | None,
    url: pa.Array | None,
    body: pa.Array | None,
    n: int,
) -> pa.Array:
    """The posting's own id where it has one, else a stable hash of what identifies it."""
    import pyarrow as pa

    def values(arr: pa.Array | None) -> list[str]:
        return [v or "" for v in arr.to_pylist()] if arr is not None else [""] * n

    ids = values(given)
    t, c, u, b = values(title), values(company), values(url), values(body)
    out = [ids[i] if ids[i] else _hash_id(t[i], c[i], u[i], b[i][:500]) for i in range(n)]
    return pa.array(out, pa.string())


def _html_text(html: str) -> str:
    import html as html_mod

    text = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    text = re.sub(r"(?i)<br\s*/?>|</p>|</li>|</h[1-6]>", "\n", text)
    text = _TAG.sub(" ", text)
    text = html_mod.unescape(text)
    return re.sub(r"[ \t]+", " ", re.sub(r"\n\s*\n+", "\n\n", text)).strip()
