"""The plain facts of a posting's text: years of experience, degree, remote policy, employment.

Each reader takes the text and returns what it found with the words that said so:
:func:`years_asked` (the years of experience asked, a range or a minimum),
:func:`degree_asked` (the degree and whether it is required), :func:`remote_policy`
(remote, hybrid, onsite or unknown; a mention that says no, or that describes
something other than the job, does not count) and :func:`employment_type` (the
export's own value first, else the kind of job the text names).
"""

from __future__ import annotations

import re

from socialproof.market.posting_text import NICE_CUE, sentence_span

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


def years_asked(text: str) -> tuple[float | None, float | None, str]:
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
        s0, s1 = sentence_span(text, m.start(), m.end())
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


def degree_asked(text: str) -> tuple[str | None, str | None, str]:
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
            s0, s1 = sentence_span(text, m.start(), m.end())
            sentence = text[s0:s1]
            req = "preferred" if NICE_CUE.search(sentence.lower()) else "required"
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


def remote_policy(*texts: str) -> str:
    """hybrid, remote, onsite or unknown, from the location, title and body. Each is read
    on its own: a location "Remote" before the title "Community Coordinator" is not the
    phrase "remote community" (a community that is remote)."""
    lowered = [t.lower() for t in texts]
    if any(_affirmed(_HYBRID, t) for t in lowered):
        return "hybrid"
    if any(_affirmed(_REMOTE, t, other=_REMOTE_OTHER) for t in lowered):
        return "remote"
    if any(_affirmed(_ONSITE, t) for t in lowered):
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


def employment_type(given: str | None, text: str) -> str | None:
    for name, pattern in _EMPLOYMENT:
        if given and pattern.search(given):
            return name
    for name, pattern in _EMPLOYMENT:
        if _employment_mentioned(pattern, text[:3000]):
            return name
    return None
