"""Facts from one job posting: role, seniority, skills with spans, salary, location, ...

:func:`analyze_posting` takes the columns of the ``job_postings`` table (title,
company, location, salary_text, employment_type, posted_at, url, body) and
returns :class:`PostingFacts`. Rules are general (section headings, requirement
cues, the catalogue's vocabulary), not tuned to any one set of postings.

A posting with no text, or in a language other than English, is returned with
``status`` saying so and no guessed facts.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from socialproof.market.catalogue import Catalogue, load_catalogue
from socialproof.market.salary import find_salary_in_text, parse_salary
from socialproof.market.skills import Gazetteer, Mention, fold_case, gazetteer, trie_regex

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

EXTRACTOR_VERSION = "1"

# -- language -------------------------------------------------------------------

_STOPWORDS = {
    "en": "the and to of a in you for with our is will are on we your be as this that an or "
    "have at from by who can all about what team work experience skills".split(),
    "es": "el la de que y en los las del por con para una un es se su al lo como más experiencia "
    "trabajo equipo buscamos".split(),
    "fr": "le la les des et en du une pour vous nous dans est sur avec au un vos nos expérience "
    "équipe poste".split(),
    "de": "der die und das mit für den dem ist sie wir ein eine zu von auf nicht ihre im bei "
    "erfahrung unser sich".split(),
    "pt": "o os as de que e em um uma para com não da do dos você experiência equipe vaga "
    "trabalho".split(),
    "it": "il di che e per un una con del della sono non gli le nel esperienza lavoro".split(),
    "nl": "de het een en van je jij wij met voor op zijn dat niet ons ervaring werk".split(),
}
_STOP_SETS = {lang: frozenset(words) for lang, words in _STOPWORDS.items()}
_LANG_NAMES = {"es": "Spanish", "fr": "French", "de": "German", "pt": "Portuguese",
               "it": "Italian", "nl": "Dutch", "en": "English"}  # fmt: skip
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def detect_language(text: str) -> str:
    """'en', another ISO code from a small stop-word vote, or 'und' when too short to tell."""
    words = [w.lower() for w in _WORD.findall(text[:1500])]
    if len(words) < 8:
        return "en" if words else "und"
    counts = {lang: sum(1 for w in words if w in stop) for lang, stop in _STOP_SETS.items()}
    best = max(counts, key=lambda lang: counts[lang])
    if best != "en" and counts[best] > 1.5 * counts["en"] and counts[best] >= 4:
        return best
    return "en"


# -- sections and requirement level ---------------------------------------------

_NICE_HEAD = re.compile(
    r"nice[\s-]to[\s-]have|bonus|preferred|plus(es)?\b|ideal(ly)?|extra credit|desirable|"
    r"would be great|stand out|even better",
    re.I,
)
_MUST_HEAD = re.compile(
    r"requirement|required|qualification|must[\s-]have|what you.?ll need|you.?ll need|"
    r"looking for|who you are|about you|you have|you bring|what you bring|skills|experience|"
    r"competenc|profile|what we need|you are|you should",
    re.I,
)
_DUTY_HEAD = re.compile(
    r"responsibilit|what you.?ll do|what you will do|the role|your role|day[\s-]to[\s-]day|duties|"
    r"in this role|you will|key tasks|the job|what you.?ll be doing|about the (role|job|position)|"
    r"job description|position summary|overview",
    re.I,
)
_OTHER_HEAD = re.compile(
    r"about us|about the company|who we are|benefit|perk|compensation|salary|why (join|work)|"
    r"our company|equal opportunit|how to apply|what we offer|we offer|diversity|culture|"
    r"location|logistics|the team|our team|apply",
    re.I,
)
_NICE_CUES = (
    "nice to have", "a plus", "bonus", "preferred", "ideally", "desirable", "advantageous",
    "would be great", "is an asset", "helpful", "not required", "even better", "is a plus",
)  # fmt: skip
_MUST_CUES = ("required", "must", "essential", "need to have", "requirement", "requirements")
_NICE_CUE = re.compile(r"(?<!\w)(?:" + trie_regex(_NICE_CUES) + r")(?!\w)")
_MUST_CUE = re.compile(r"(?<!\w)(?:" + trie_regex(_MUST_CUES) + r")(?!\w)")


def _cue_positions(pattern: re.Pattern[str], text: str, folded: str | None) -> list[int]:
    if folded is not None:
        return [m.start() for m in pattern.finditer(folded)]
    return [m.start() for m in re.compile(pattern.pattern, re.IGNORECASE).finditer(text)]


@dataclass(frozen=True)
class _Block:
    start: int
    end: int
    level: str  # must | nice | duty | other | body


def _heading_text(line: str) -> str | None:
    s = line.strip()
    if not s:
        return None
    first = s[0]
    if first == "#":
        m = re.match(r"^#{1,6}\s+(.*)$", s)
        return m.group(1).strip("*_: ") if m else None
    if first in "*_" and s.endswith(("**", "__", "**:", "__:", ":**", ":__")):
        m = re.match(r"^(\*\*|__)(.+?)(\*\*|__)\s*:?\s*$", s)
        if m:
            return m.group(2).strip(": ")
    if s.endswith(":") and len(s) <= 70 and first not in "*-•":
        return s.rstrip(":")
    if len(s) <= 50 and s.isupper() and len(s.split()) <= 6:
        return s
    # A short bare line that names a section ("Requirements", "Nice to have"), as
    # HTML postings become once their <h2> tags are stripped.
    if len(s) <= 45 and _SECTION_NAME.fullmatch(s):
        return s.rstrip(":?")
    return None


_SECTION_NAME = re.compile(
    r"(?:key |basic |minimum |preferred |additional |desired |your |the |job |our )?"
    r"(?:requirements|qualifications|responsibilities|duties|skills|experience|"
    r"skills (?:and|&) (?:experience|qualifications)|what you(?:'|’)?ll do|what you will do|"
    r"what (?:we(?:'|’)re|we are) looking for|who you are|about you|about the (?:role|job|position)|"
    r"role|opportunity|nice[ -]to[ -]haves?|bonus(?: points)?|pluses|benefits|perks|what we offer|"
    r"compensation(?: (?:and|&) benefits)?|about us|who we are|how to apply|description|overview|"
    r"you have|you will|must[ -]haves?|qualifications (?:and|&) skills)\s*[:?]?",
    re.IGNORECASE,
)


_ABOUT_COMPANY = re.compile(
    r"^\W*(?:about(?!\s+(?:you|the\s+(?:role|job|position|opportunity)))\b|who are we|our (?:mission|story|"
    r"values|company)|the company|company (?:background|overview)|life at)",
    re.I,
)


def _classify_heading(text: str) -> str:
    if _ABOUT_COMPANY.search(text):
        return "other"
    if _NICE_HEAD.search(text):
        return "nice"
    if _OTHER_HEAD.search(text) and not _MUST_HEAD.search(text):
        return "other"
    if _DUTY_HEAD.search(text):
        return "duty"
    if _MUST_HEAD.search(text):
        return "must"
    return "body"


def _blocks(body: str) -> list[_Block]:
    """Split text into lines, each with the level of the section it sits in."""
    out: list[_Block] = []
    level = "intro"
    pos = 0
    structured = False
    for line in body.splitlines(keepends=True):
        head = _heading_text(line)
        if head is not None:
            level = _classify_heading(head)
            structured = structured or level in ("must", "nice", "duty")
        out.append(_Block(pos, pos + len(line), level))
        pos += len(line)
    # Text above the first heading introduces the company: in a posting with
    # requirement or duty sections it is context, otherwise it is the posting.
    intro = "other" if structured else "body"
    return [_Block(b.start, b.end, intro) if b.level == "intro" else b for b in out]


_SENT_END = re.compile(r"(?<=[.!?;])\s+|\n+")
_LEVEL_TO_REQ = {
    "must": "must",
    "duty": "must",
    "nice": "nice",
    "body": "must",
    "other": "mentioned",
}


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    left = max((m.end() for m in _SENT_END.finditer(text, max(0, start - 400), start)), default=0)
    if left == 0 and start > 400:
        left = max(0, start - 400)
    m = _SENT_END.search(text, end)
    right = m.start() if m else len(text)
    return left, right


class _Layout:
    """Sentences and section levels of one text, computed once (bisect look-ups)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0]
        self.ends: list[int] = []
        for m in _SENT_END.finditer(text):
            self.ends.append(m.start())
            self.starts.append(m.end())
        self.ends.append(len(text))
        blocks = _blocks(text)
        self.block_starts = [b.start for b in blocks]
        self.block_levels = [b.level for b in blocks]
        # requirement cues per sentence, from one pass of each cue pattern over the text
        folded = fold_case(text)
        self._nice = {self.sentence_index(p) for p in _cue_positions(_NICE_CUE, text, folded)}
        self._must = {self.sentence_index(p) for p in _cue_positions(_MUST_CUE, text, folded)}

    def sentence_index(self, pos: int) -> int:
        return max(0, bisect_right(self.starts, pos) - 1)

    def sentence(self, pos: int) -> tuple[int, int]:
        i = self.sentence_index(pos)
        return self.starts[i], self.ends[i]

    def requirement(self, pos: int) -> str:
        i = self.sentence_index(pos)
        cue = "nice" if i in self._nice else "must" if i in self._must else None
        if cue is not None:
            return cue
        b = bisect_right(self.block_starts, pos) - 1
        return _LEVEL_TO_REQ[self.block_levels[b]] if b >= 0 else "must"


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


_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "fifteen": 15}  # fmt: skip
_N = r"(\d{1,2}(?:\.\d)?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen)"
_YEARS = re.compile(
    _N + r"\s*(?:\+|plus|or\s+more|or\s+above)?\s*(?:(?:-|–|—|to|or)\s*" + _N + r"\s*)?\+?\s*"
    r"(?:\(\d+\)\s*)?"
    r"(?:years?|yrs?)(?:'|’)?(?:s)?\b",
    re.IGNORECASE,
)
_YEAR_WORD = re.compile(r"\b(?:years?|yrs?)\b", re.IGNORECASE)
_EXPERIENCE = re.compile(
    r"experience|background|track record|working in|in a similar role|"
    r"managing|in social|professional",
    re.I,
)

_DEGREES = (
    ("phd", re.compile(r"\bph\.?\s?d\b|\bdoctorate\b")),
    (
        "master",
        re.compile(r"\bmaster'?s?(?:\s+degree)?\b|\bmba\b|\bm\.?s\.?c?\b(?=\s+in)|\bma/ms\b"),
    ),
    (
        "bachelor",
        re.compile(
            r"\bbachelor'?s?\b|\bb\.?a\.?/b\.?s\.?|\bbs/ba\b|\bba/bs\b|\bb\.a\.|\bb\.s\.|\bundergraduate degree\b|"
            r"\bcollege degree\b|\b(?:4|four)[\s-]year degree\b|\buniversity degree\b|\bdegree in\b|"
            r"\bbachelor degree\b",
        ),
    ),
    ("associate", re.compile(r"\bassociate'?s? degree\b")),
)
_NO_DEGREE = re.compile(
    r"no (?:college |university )?degree (?:is )?(?:required|necessary|needed)|"
    r"degree (?:is )?not required|don'?t need a degree|without a degree",
)

_REMOTE = re.compile(
    r"\b(?:fully remote|100% remote|remote[\s-]first|remote[\s-]friendly|"
    r"work from home|work from anywhere|wfh|remote)\b",
)
_HYBRID = re.compile(r"\bhybrid\b|\b\d days? (?:a|per) week in (?:the )?office\b")
_ONSITE = re.compile(r"\bon[\s-]?site\b|\bin[\s-]office\b|\bin[\s-]person\b|\boffice[\s-]based\b")
_EMPLOYMENT = (
    ("internship", re.compile(r"\bintern(ship)?\b", re.I)),
    ("part-time", re.compile(r"\bpart[\s-]time\b", re.I)),
    ("freelance", re.compile(r"\bfreelance\b", re.I)),
    ("contract", re.compile(r"\bcontract(or)?\b|\bfixed[\s-]term\b", re.I)),
    ("temporary", re.compile(r"\btemporary\b|\btemp\b", re.I)),
    ("full-time", re.compile(r"\bfull[\s-]time\b|\bpermanent\b", re.I)),
)


def _num(s: str | None) -> float | None:
    if s is None:
        return None
    s = s.lower()
    return float(_NUMBER_WORDS[s]) if s in _NUMBER_WORDS else float(s)


def _years(text: str) -> tuple[float | None, float | None, str]:
    best: tuple[float, float | None, str] | None = None
    for anchor in _YEAR_WORD.finditer(text):
        start = max(0, anchor.start() - 30)
        while start > 0 and text[start - 1].isalnum():  # never start inside a number
            start -= 1
        # the figure that belongs to this 'years' is the match ending at it, not an earlier one
        m = None
        for candidate in _YEARS.finditer(text, start, anchor.end()):
            if candidate.end() == anchor.end() or text[candidate.end() - 1] in "'’s":
                m = candidate
        if m is None:
            continue
        s0, s1 = _sentence(text, m.start(), m.end())
        window = text[min(s0, max(0, m.start() - 80)) : max(s1, m.end() + 80)]
        if not _EXPERIENCE.search(window):
            continue
        if re.search(
            r"\b(?:founded|ago|old|anniversary|history|since)\b", text[m.end() : m.end() + 25], re.I
        ):
            continue
        lo = _num(m.group(1))
        hi = _num(m.group(2))
        if lo is None or lo > 30:
            continue
        if best is None or lo > best[0]:
            best = (lo, hi, m.group(0))
    if best is None:
        return None, None, ""
    return best[0], best[1], best[2]


_DEGREE_WORDS = (
    "degree",
    "bachelor",
    "master",
    "ph",
    "mba",
    "doctorate",
    "b.a",
    "b.s",
    "ba/",
    "bs/",
    "ma/",
)


def _degree(text: str) -> tuple[str | None, str | None, str]:
    low = text.lower()
    if not any(w in low for w in _DEGREE_WORDS):
        return None, None, ""
    if len(low) == len(text):
        original = text
    else:
        text = original = low  # lower() moved characters: read the lower-case text throughout
    m = _NO_DEGREE.search(low)
    if m:
        return None, "not required", original[m.start() : m.end()]
    for level, pattern in _DEGREES:
        m = pattern.search(low)
        if m:
            s0, s1 = _sentence(text, m.start(), m.end())
            sentence = text[s0:s1]
            req = "preferred" if _NICE_CUE.search(sentence.lower()) else "required"
            if re.search(
                r"or equivalent|equivalent (?:work )?experience|or relevant experience",
                sentence,
                re.I,
            ):
                req = "preferred" if req == "preferred" else "required (or equivalent experience)"
            return level, req, sentence.strip()[:200]
    return None, None, ""


# "not a remote position", "non-remote", "remote work is not available": the mention says no
_NEG_BEFORE = re.compile(
    r"(?:\bnot|\bno|\bnon|n't|\bnever|\bcannot|\bisn't|\bwithout)[\s-]+(?:\w+[\s-]+){0,2}$"
)
_NEG_AFTER = re.compile(
    r"^[\w\s-]{0,25}?\b(?:is|are)\s+not\b|^[\w\s-]{0,25}?\b(?:not (?:possible|available|"
    r"an option|offered)|isn't|aren't)\b"
)
# 'remote' describing something other than the job: "our remote community of creators"
_REMOTE_OTHER = re.compile(
    r"^[\s-]+(?:community|communities|audiences?|creators?|customers?|members?|users?|"
    r"areas?|locations?|control|monitoring|days?)\b"
)


def _affirmed(pattern: re.Pattern[str], text: str, *, other: re.Pattern[str] | None = None) -> bool:
    """Whether the text states the policy at least once without negating it."""
    for m in pattern.finditer(text):
        before = text[max(0, m.start() - 30) : m.start()]
        after = text[m.end() : m.end() + 40]
        if _NEG_BEFORE.search(before) or _NEG_AFTER.search(after):
            continue
        if other is not None and other.search(after):
            continue
        return True
    return False


def _remote(*texts: str) -> str:
    joined = " ".join(texts).lower()
    if _affirmed(_HYBRID, joined):
        return "hybrid"
    if _affirmed(_REMOTE, joined, other=_REMOTE_OTHER):
        return "remote"
    if _affirmed(_ONSITE, joined):
        return "onsite"
    return "unknown"


# "manage freelance creators", "review contractor invoices", "mentor interns": the people
# or papers the job deals with, not the kind of job
_EMPLOYMENT_OBJECT = re.compile(
    r"^(?:s|ers?|ors?|s')?[\s-]+(?:creators?|writers?|designers?|photographers?|videographers?|"
    r"editors?|talent|network|partners?|agenc(?:y|ies)|invoices?|terms|negotiations?|"
    r"management|templates?|reviews?|budgets?|pool|community|roster|staff)\b|^(?:s|ers|ors)\b"
)
_EMPLOYMENT_OBJECT_BEFORE = re.compile(
    r"\b(?:manage|managing|brief|briefing|hire|hiring|mentor|mentoring|supervise|supervising|"
    r"coordinate|coordinating|influencer|creator|vendor|negotiate|negotiating|our)\s+$"
)


def _employment_mentioned(pattern: re.Pattern[str], text: str) -> bool:
    for m in pattern.finditer(text):
        after = text[m.end() : m.end() + 30].lower()
        before = text[max(0, m.start() - 30) : m.start()].lower()
        if _EMPLOYMENT_OBJECT.search(after) or _EMPLOYMENT_OBJECT_BEFORE.search(before):
            continue
        return True
    return False


def _employment(given: str | None, text: str) -> str | None:
    for name, pattern in _EMPLOYMENT:
        if given and pattern.search(given):
            return name
    for name, pattern in _EMPLOYMENT:
        if _employment_mentioned(pattern, text[:3000]):
            return name
    return None


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
            (
                lvl["id"],
                re.compile(
                    r"(?<![\w.])(?:"
                    + "|".join(re.escape(p) for p in lvl["title_patterns"])
                    + r")\.?(?!\w)",
                    re.I if lvl["id"] != "entry" else 0,
                ),
            )
            for lvl in levels
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
    found_titles = [h.group(1) for h in m.role_re.finditer(title)]
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


def _seniority(
    m: _Matchers, title: str, role_id: str | None, years: float | None
) -> tuple[str | None, str]:
    for level, pattern in m.seniority:
        if level == "entry":
            if re.search(
                r"(?<![\w.])(?:junior|jr|assistant|entry[\s-]level|graduate)\.?(?!\w)", title, re.I
            ) or re.search(r"\sI\s*$", title):
                return level, "title"
            continue
        if pattern.search(title):
            return level, "title"
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
            note=f"{_LANG_NAMES.get(lang, lang)} postings are not supported yet "
            "(only English); no facts were guessed",
            **base,
        )
    facts = PostingFacts(status="ok", language="en", **base)
    if not body.strip():
        facts.note = "title only: the posting has no body text"
    layout = _Layout(text)
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
    facts.years_min, facts.years_max, facts.years_text = _years(body)
    facts.seniority, facts.seniority_basis = _seniority(m, title, facts.role_id, facts.years_min)
    facts.degree, facts.degree_requirement, facts.degree_text = _degree(body)
    salary_source = str(row.get("salary_text") or "").strip()
    if not salary_source:
        salary_source = find_salary_in_text(body) or ""
    sal = parse_salary(salary_source, context=body[:5000])
    facts.salary_text, facts.salary_status = sal.text, sal.status
    facts.salary_currency, facts.salary_period = sal.currency, sal.period
    facts.salary_min_annual, facts.salary_max_annual = sal.min_annual, sal.max_annual
    facts.salary_period_inferred = sal.period_inferred
    facts.remote_policy = _remote(location, title, body[:5000])
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
    facts.employment_type = _employment(str(row.get("employment_type") or "") or None, text)
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


def _evidence(layout: _Layout, mention: Mention) -> str:
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


def read_posting_file(path: Path) -> dict[str, Any]:
    """A posting from Markdown/text (optional YAML front matter) for ``gap --posting``."""
    from socialproof.errors import BadInput, FileMissing

    if not path.is_file():
        raise FileMissing(f"No posting file at {path}.", hint="Check the path.")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    from socialproof.ingest.job_postings import split_front_matter

    try:
        split = split_front_matter(text)
    except BadInput as exc:
        raise BadInput(f"{path.name}: {exc.message}", hint=exc.hint) from None
    meta: dict[str, Any] = {}
    body = text
    if split is not None:
        meta = {str(k).lower(): v for k, v in split[0].items()}
        body = split[1]
    if path.suffix.lower() in (".html", ".htm"):
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
