"""Facts from one job posting: role, seniority, skills with spans, salary, location, ...

:func:`analyze_posting` takes the columns of the ``job_postings`` table (title,
company, location, salary_text, employment_type, posted_at, url, body) and
returns :class:`PostingFacts`. Rules are general (section headings, requirement
cues, the catalogue's vocabulary), not tuned to any one set of postings.

A posting with no text, or in a language other than English, is returned with
``status`` saying so and no guessed facts.

The reading of the text lives beside this module: ``posting_text.py`` (language,
sections, the requirement level of each sentence) and ``posting_fields.py`` (years of
experience, degree, remote policy, employment type).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from socialproof.market.catalogue import Catalogue, load_catalogue
from socialproof.market.posting_fields import (
    degree_asked,
    employment_type,
    remote_policy,
    years_asked,
)
from socialproof.market.posting_text import LANG_NAMES, Layout, detect_language
from socialproof.market.salary import find_salary_in_text, parse_salary
from socialproof.market.skills import Gazetteer, Mention, fold_case, gazetteer, trie_regex

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

__all__ = [  # the extractor's face; detect_language moved out and stays importable here
    "PostingFacts",
    "SkillHit",
    "analyze_posting",
    "detect_language",
    "extractor_version",
    "read_posting_file",
]

#: The modules and data files the facts of a posting come from (see extractor_version).
_READERS = ("extract", "posting_fields", "posting_text", "salary", "skills", "catalogue")
_READER_DATA = (
    ("careers", "catalogue.json"),
    ("careers", "esco_skill_labels.txt"),
    ("careers", "salary_scale.yaml"),
)


@cache
def extractor_version() -> str:
    """A digest of the code and data the facts come from, stored with each posting's facts.

    Facts stored by another version are analysed again (``store.is_stale``): a change to
    the reading (a seniority rule, a salary pattern, the catalogue) reaches the postings
    a workspace analysed before it, instead of leaving their old facts in the market report.
    """
    import hashlib
    from pathlib import Path

    from socialproof.market.catalogue import data_file

    digest = hashlib.sha256(b"2")
    here = Path(__file__).parent
    for name in _READERS:
        try:
            digest.update((here / f"{name}.py").read_bytes())
        except OSError:  # installed without sources: the package's own version stands in
            from socialproof import __version__

            digest.update(__version__.encode())
    for parts in _READER_DATA:
        digest.update(data_file(*parts).read_bytes())
    return digest.hexdigest()[:16]


# -- the facts ------------------------------------------------------------------


@dataclass
class SkillHit:
    kind: str
    id: str
    label: str
    requirement: str  # must | nice | mentioned
    span: str
    start: int
    end: int
    evidence: str
    esco: list[str] = field(default_factory=list)
    count: int = 1


@dataclass
class PostingFacts:
    posting_id: str
    status: str  # ok | empty | unsupported_language
    language: str
    title: str = ""
    company: str = ""
    role_id: str | None = None
    role_family: str | None = None
    role_basis: str = ""
    seniority: str | None = None
    seniority_basis: str = ""
    years_min: float | None = None
    years_max: float | None = None
    years_text: str = ""
    degree: str | None = None  # associate | bachelor | master | phd
    degree_requirement: str | None = None  # required | preferred | not required
    degree_text: str = ""
    salary_text: str = ""
    salary_status: str = "none"
    salary_currency: str | None = None
    salary_min_annual: float | None = None
    salary_max_annual: float | None = None
    salary_period: str | None = None
    salary_period_inferred: bool = False
    location: str = ""
    remote_policy: str = "unknown"  # remote | hybrid | onsite | unknown
    industry: str | None = None
    industry_group: str | None = None
    regulated: bool = False
    compliance_duties: list[str] = field(default_factory=list)
    employment_type: str | None = None
    posted_at: Any = None
    skills: list[SkillHit] = field(default_factory=list)  # skills, tools, platforms, KPIs
    note: str = ""

    def items(self, kind: str) -> list[SkillHit]:
        return [h for h in self.skills if h.kind == kind]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary_row(self) -> dict[str, Any]:
        """One flat row for tables and ``posting_facts``."""

        def ids(kind: str, req: str | None = None) -> str:
            return ", ".join(
                h.id
                for h in self.skills
                if h.kind == kind and (req is None or h.requirement == req)
            )

        return {
            "posting_id": self.posting_id,
            "status": self.status,
            "language": self.language,
            "title": self.title,
            "company": self.company,
            "role_id": self.role_id,
            "role_family": self.role_family,
            "role_basis": self.role_basis,
            "seniority": self.seniority,
            "years_min": self.years_min,
            "years_max": self.years_max,
            "degree": self.degree,
            "degree_requirement": self.degree_requirement,
            "salary_text": self.salary_text,
            "salary_status": self.salary_status,
            "salary_currency": self.salary_currency,
            "salary_min_annual": self.salary_min_annual,
            "salary_max_annual": self.salary_max_annual,
            "salary_period": self.salary_period,
            "location": self.location,
            "remote_policy": self.remote_policy,
            "industry": self.industry,
            "industry_group": self.industry_group,
            "regulated": self.regulated,
            "compliance_duties": " | ".join(self.compliance_duties),
            "employment_type": self.employment_type,
            "posted_at": self.posted_at,
            "must_skills": ids("skill", "must"),
            "nice_skills": ids("skill", "nice"),
            "platforms": ids("platform"),
            "tools": ids("tool"),
            "kpis": ids("kpi"),
            "note": self.note,
        }


class _Matchers:
    def __init__(self, cat: Catalogue) -> None:
        self.cat = cat
        aliases = sorted(
            ((a, r.id) for r in cat.roles.values() for a in (*r.aliases, r.title.lower())),
            key=lambda x: -len(x[0]),
        )
        self.role_alias: dict[str, str] = {}
        for alias, rid in aliases:
            self.role_alias.setdefault(re.sub(r"[\s-]+", " ", alias.lower()), rid)
        self.role_re = re.compile(
            r"(?<!\w)(" + trie_regex(self.role_alias) + r")(?!\w)", re.IGNORECASE
        )
        levels = sorted(cat.seniority_levels, key=lambda lvl: -int(lvl["rank"]))
        self.seniority = [
            (str(lvl["id"]), _level_re(lvl["title_patterns"]), _level_re(lvl.get("not_in", [])))
            for lvl in levels
        ]
        self.role_level = [
            (str(lvl["id"]), _level_re(lvl["role_patterns"]))
            for lvl in levels
            if lvl.get("role_patterns")
        ]
        self.step_below = [
            (str(lvl["id"]), _level_re(lvl["step_below"]))
            for lvl in levels
            if lvl.get("step_below")
        ]
        self.industry_kw: dict[str, str] = {}
        self.industry_meta: dict[str, tuple[str, bool]] = {}
        for ind in cat.industries.values():
            self.industry_meta[ind.id] = (str(ind.facts["group"]), bool(ind.facts.get("regulated")))
            for kw in ind.facts.get("keywords", []):
                self.industry_kw.setdefault(re.sub(r"[\s-]+", " ", kw.lower()), ind.id)
        industry_pattern = r"(?<![\w#@])(" + trie_regex(self.industry_kw) + r")(?!\w)"
        self.industry_re = re.compile(industry_pattern, re.IGNORECASE)
        self.industry_folded = re.compile(industry_pattern)


@cache
def _matchers() -> _Matchers:
    return _Matchers(load_catalogue())


def _role(m: _Matchers, title: str, hits: list[SkillHit]) -> tuple[str | None, str]:
    found_titles = [h.group(1) for h in m.role_re.finditer(_TO_SOMEONE.sub("", title))]
    if found_titles:
        longest = max(found_titles, key=len)
        return m.role_alias[re.sub(r"[\s-]+", " ", longest.lower())], "title"
    found = {h.id for h in hits if h.kind == "skill" and h.requirement != "mentioned"}
    if len(found) < 3:
        return None, ""
    best, best_score = None, 0.0
    social_title = re.search(r"social|community|content|creator|influencer|tiktok", title, re.I)
    for role in m.cat.roles.values():
        if social_title and role.adjacent:
            continue
        total = sum(s.importance for s in role.skills)
        got = sum(s.importance for s in role.skills if s.skill in found)
        score = got / total if total else 0.0
        if score > best_score:
            best, best_score = role.id, score
    if best is None or best_score < 0.25:
        return None, ""
    return best, f"skills ({best_score:.0%} of the role's weighted skills)"


_NUMERAL = re.compile(r"^(?:[IVX]+|\d)$")
_NUMERAL_END = r"(?=\s*(?:$|[,;:()\[\]|/\u2013\u2014-]))"
#: The one a title's holder assists or reports to: "Executive Assistant to the CMO".
_TO_SOMEONE = re.compile(r"\s+(?:to|for)\s+(?:the|our|a|an)\s.*$", re.I)


def _level_re(patterns: list[str]) -> re.Pattern[str] | None:
    """One pattern for a level's title words: words in any case, numerals ("II", "2")
    only at the end of the title or before punctuation, Roman ones in capitals."""
    words = [p for p in patterns if not _NUMERAL.match(p)]
    numerals = [p for p in patterns if _NUMERAL.match(p)]
    parts = []
    if words:
        alts = "|".join(re.escape(p) for p in sorted(words, key=len, reverse=True))
        parts.append(r"(?<![\w.])(?i:" + alts + r")\.?(?!\w)")
    if numerals:
        alts = "|".join(re.escape(p) for p in sorted(numerals, key=len, reverse=True))
        parts.append(r"(?<=[\s,(\[-])(?:(?i:level)\s*)?(?:" + alts + r")" + _NUMERAL_END)
    return re.compile("|".join(parts)) if parts else None


def _level_in(pattern: re.Pattern[str] | None, not_in: re.Pattern[str] | None, title: str) -> bool:
    """Whether ``title`` holds one of the level's words outside its not-a-level phrases."""
    if pattern is None:
        return False
    taken = [m.span() for m in not_in.finditer(title)] if not_in is not None else []
    return any(
        not any(a <= m.start() and m.end() <= b for a, b in taken) for m in pattern.finditer(title)
    )


def _seniority(
    m: _Matchers, title: str, role_id: str | None, years: float | None
) -> tuple[str | None, str]:
    title = _TO_SOMEONE.sub("", title)
    for level, pattern, not_in in m.seniority:
        if _level_in(pattern, not_in, title):
            return level, "title"
    for level, pattern in m.role_level:
        if _level_in(pattern, None, title):
            return level, "title"
    for level, pattern in m.step_below:
        if _level_in(pattern, None, title):
            floor = m.cat.seniority_rank(level)
            usual = m.cat.seniority_rank(m.cat.roles[role_id].seniority) if role_id else floor
            rank = max(floor, usual - 1)
            return next(str(v["id"]) for v in m.cat.seniority_levels if v["rank"] == rank), "title"
    if years is not None:
        level = "entry" if years < 2 else "mid" if years < 5 else "senior" if years < 8 else "lead"
        return level, f"{years:g}+ years of experience asked"
    if role_id is not None:
        return m.cat.roles[role_id].seniority, "the role's usual level"
    return None, ""


def _industry(m: _Matchers, company: str, text: str) -> tuple[str | None, str | None, bool]:
    counts: Counter[str] = Counter()
    sample = f"{company}\n{text[:6000]}"
    folded = fold_case(sample)
    found = (
        m.industry_folded.finditer(folded) if folded is not None else m.industry_re.finditer(sample)
    )
    for hit in found:
        ind_id = m.industry_kw.get(re.sub(r"[\s-]+", " ", hit.group(1).lower()))
        if ind_id is not None:
            counts[ind_id] += 1
    if not counts:
        return None, None, False
    for ind_id in counts:
        if m.industry_meta[ind_id][1]:
            counts[ind_id] += 2  # a regulator's word outweighs "software"
    top = counts.most_common(1)[0][0]
    group, regulated = m.industry_meta[top]
    return top, group, regulated


def analyze_posting(row: Mapping[str, Any], *, gaz: Gazetteer | None = None) -> PostingFacts:
    """Extract the facts of one posting (a mapping with job_postings columns)."""
    cat = load_catalogue()
    gaz = gaz or gazetteer()
    m = _matchers()
    pid = str(row.get("posting_id") or "")
    title = str(row.get("title") or "").strip()
    body = str(row.get("body") or "")
    company = str(row.get("company") or "").strip()
    location = str(row.get("location") or "").strip()
    base: dict[str, Any] = {
        "posting_id": pid,
        "title": title,
        "company": company,
        "location": location,
        "posted_at": row.get("posted_at"),
    }
    if not body.strip() and not title:
        return PostingFacts(status="empty", language="und", note="the posting has no text", **base)
    text = f"{title}\n{body}" if title else body
    lang = detect_language(body if len(body) > 80 else text)
    if lang not in ("en", "und"):
        return PostingFacts(
            status="unsupported_language",
            language=lang,
            note=f"{LANG_NAMES.get(lang, lang)} postings are not supported yet "
            "(only English); no facts were guessed",
            **base,
        )
    facts = PostingFacts(status="ok", language="en", **base)
    if not body.strip():
        facts.note = "title only: the posting has no body text"
    layout = Layout(text)
    by_item: dict[tuple[str, str], SkillHit] = {}
    rank = {"must": 2, "nice": 1, "mentioned": 0}
    for mention in gaz.find(text):
        if _not_a_skill(text, mention):
            continue
        req = "must" if mention.start < len(title) else layout.requirement(mention.start)
        key = (mention.kind, mention.id)
        hit = by_item.get(key)
        if hit is not None:
            hit.count += 1
            if rank[req] > rank[hit.requirement]:
                hit.requirement = req
                hit.span, hit.start, hit.end = mention.text, mention.start, mention.end
            continue
        by_item[key] = SkillHit(
            mention.kind,
            mention.id,
            _label(cat, mention),
            req,
            mention.text,
            mention.start,
            mention.end,
            "",
            cat.skills[mention.id].esco_labels if mention.kind == "skill" else [],
        )
    for hit in by_item.values():  # the sentence around the span that decided the level
        hit.evidence = _evidence(layout, Mention(hit.kind, hit.id, hit.start, hit.end, hit.span))
    facts.skills = sorted(by_item.values(), key=lambda h: (h.kind, -rank[h.requirement], h.start))
    facts.role_id, facts.role_basis = _role(m, title, facts.skills)
    if facts.role_id:
        facts.role_family = cat.roles[facts.role_id].family
    facts.years_min, facts.years_max, facts.years_text = years_asked(body)
    facts.seniority, facts.seniority_basis = _seniority(m, title, facts.role_id, facts.years_min)
    facts.degree, facts.degree_requirement, facts.degree_text = degree_asked(body)
    salary_source = str(row.get("salary_text") or "").strip()
    if not salary_source:
        salary_source = find_salary_in_text(body) or ""
    sal = parse_salary(salary_source, context=body[:5000], location=location)
    facts.salary_text, facts.salary_status = sal.text, sal.status
    facts.salary_currency, facts.salary_period = sal.currency, sal.period
    facts.salary_min_annual, facts.salary_max_annual = sal.min_annual, sal.max_annual
    facts.salary_period_inferred = sal.period_inferred
    facts.remote_policy = remote_policy(location, title, body[:5000])
    if not location and facts.remote_policy == "remote":
        facts.location = "Remote"
    facts.industry, facts.industry_group, facts.regulated = _industry(m, company, body)
    compliance = [
        h
        for h in facts.skills
        if h.kind == "skill"
        and h.id in ("regulatory-compliance", "approval-workflows", "disclosure-rules")
    ]
    facts.compliance_duties = [h.evidence for h in compliance]
    if (
        compliance
        and any(h.id == "regulatory-compliance" for h in compliance)
        and facts.industry_group is None
    ):
        facts.regulated = True
    facts.employment_type = employment_type(str(row.get("employment_type") or "") or None, text)
    return facts


# Words that name a skill except in a fixed phrase: "reporting to the CMO", "reach out".
_NOT_AFTER = {
    "reporting": ("to ", "directly", "into "),
    "reach": ("out",),
    "events": (" of ",),
    "creative": ("ly",),
}


def _not_a_skill(text: str, mention: Mention) -> bool:
    follow = _NOT_AFTER.get(mention.text.lower())
    if not follow:
        return False
    after = text[mention.end : mention.end + 12].lstrip(" ").lower()
    return after.startswith(tuple(f.strip() for f in follow))


def _label(cat: Catalogue, mention: Mention) -> str:
    tables: dict[str, Mapping[str, Any]] = {
        "skill": cat.skills,
        "tool": cat.tools,
        "platform": cat.platforms,
        "kpi": cat.kpis,
    }
    return str(tables[mention.kind][mention.id].label)


def _evidence(layout: Layout, mention: Mention) -> str:
    text = layout.text
    s0, s1 = layout.sentence(mention.start)
    sentence = " ".join(text[s0:s1].split()).strip(" *-•#")
    if len(sentence) <= 200:
        return sentence
    # keep the match in view
    rel = mention.start - s0
    lo = max(0, rel - 90)
    return ("…" if lo else "") + re.sub(r"\s+", " ", text[s0 + lo : s0 + lo + 200]).strip() + "…"


# -- a posting from a single file -------------------------------------------------


#: Files that hold postings as a table (one row each): read by the job postings importer.
_TABLE_FILES = (".csv", ".tsv", ".xlsx", ".xls", ".json", ".jsonl", ".ndjson")
_DOCUMENT_FILES = (".md", ".markdown", ".html", ".htm")


def _imported_rows(path: Path) -> list[dict[str, Any]]:
    """The rows the job postings importer reads from ``path`` (its headers, nested values
    and dates read as ``jobs import`` reads them)."""
    from socialproof.errors import BadInput, SocialproofError
    from socialproof.ingest.base import ReadContext
    from socialproof.ingest.job_postings import JobPostingsFormat
    from socialproof.ingest.sources import open_source

    try:
        result = JobPostingsFormat().read(open_source(path), ReadContext())
    except SocialproofError as exc:
        raise BadInput(f"{path.name}: {exc.message}", hint=exc.hint) from None
    rows: list[dict[str, Any]] = result.tables["job_postings"].to_pylist()
    return rows


def read_posting_file(path: Path) -> dict[str, Any]:
    """A posting for ``gap --posting``: Markdown/text (optional front matter), HTML, or a
    table (CSV, spreadsheet, JSON, JSON Lines) holding one posting."""
    from socialproof.errors import BadInput, FileMissing

    if not path.is_file():
        raise FileMissing(f"No posting file at {path}.", hint="Check the path.")
    if path.suffix.lower() in _TABLE_FILES:  # read as text, a CSV was one long "posting"
        rows = _imported_rows(path)
        if len(rows) != 1:
            raise BadInput(
                f"{path.name} holds {len(rows) or 'no'} posting{'' if len(rows) == 1 else 's'}; "
                "--posting compares one.",
                hint="Save the one posting as its own file, or import them all with "
                "'socialproof jobs import' for 'gap --role' and 'market report'.",
            )
        row = rows[0]
        row.setdefault("source", str(path))
        return {k: v for k, v in row.items() if not k.startswith("_")}
    from socialproof.ingest.csvtext import decode_bytes

    # as 'jobs import' decodes: a UTF-16 file (Notepad's 'Unicode') read as Latin-1 was
    # 'no skill socialproof knows', and Windows-1252's '€' a YAML error at U+0080
    text = decode_bytes(path.read_bytes(), path.name).text
    from socialproof.ingest.job_postings import looks_like_html, split_front_matter

    try:
        split = split_front_matter(text)
    except BadInput as exc:
        raise BadInput(f"{path.name}: {exc.message}", hint=exc.hint) from None
    meta: dict[str, Any] = {}
    body = text
    if split is not None:
        meta = {str(k).lower(): v for k, v in split[0].items()}
        body = split[1]
    if path.suffix.lower() in (".html", ".htm") or looks_like_html(body):
        import html as html_mod

        body = re.sub(r"<h[1-6][^>]*>", "\n## ", body, flags=re.I)
        body = re.sub(r"<li[^>]*>", "\n- ", body, flags=re.I)
        body = re.sub(r"<(?:br|/p|/li|/h\d|/div)\s*/?>", "\n", body, flags=re.I)
        body = html_mod.unescape(re.sub(r"<[^>]+>", " ", body))
    title = str(meta.get("title") or "")
    if not title:
        h = re.search(r"^#\s+(.+)$", body, re.M)
        if h:
            title = h.group(1).strip()
    if split is not None and path.suffix.lower() in _DOCUMENT_FILES:
        # the fields as 'jobs import' reads them (their aliases, nested values, dates)
        try:
            [row] = _imported_rows(path)
        except BadInput:  # a front matter without a title: read as before, below
            row = {}
        if row:
            fields = ("company", "location", "salary_text", "employment_type", "url")
            return {
                **{k: row.get(k) or "" for k in fields},
                "title": row.get("title") or title,
                "posting_id": str(meta.get("id") or meta.get("posting_id") or path.stem),
                "posted_at": row.get("posted_at"),
                "source": str(path),
                "body": body,
            }
    return {
        "posting_id": str(meta.get("id") or meta.get("posting_id") or path.stem),
        "source": str(path),
        "title": title,
        "company": str(meta.get("company") or meta.get("organization") or ""),
        "location": str(meta.get("location") or ""),
        "salary_text": str(meta.get("salary") or meta.get("salary_text") or ""),
        "employment_type": str(meta.get("employment_type") or meta.get("type") or ""),
        "posted_at": meta.get("posted_at") or meta.get("date"),
        "url": str(meta.get("url") or ""),
        "body": body,
    }
