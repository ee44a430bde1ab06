"""A posting's text as the extractor reads it: its language, its sections, each sentence's level.

:func:`detect_language` tells English from the other languages postings come in (by
stop words). :class:`Layout` cuts a text into sentences and into blocks under their
headings ("Requirements", "Nice to have", "What you'll do", ...), and says for any
position whether the skill named there is a must, nice to have, or only mentioned: a
cue in the sentence ("required", "a plus") first, else the level of its section.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from socialproof.market.skills import fold_case, trie_regex

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
LANG_NAMES = {"es": "Spanish", "fr": "French", "de": "German", "pt": "Portuguese",
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
        if len(text) > 1500 and _english_version(text, best):
            return "en"  # a bilingual posting, the English after the other language
        return best
    return "en"


def _english_version(text: str, other: str) -> bool:
    """Whether a posting that opens in ``other`` also holds a full English version (as
    Canadian and Swiss postings do: 'English follows'); its English is then analysed."""
    words = [w.lower() for w in _WORD.findall(text[:30000])]
    en = sum(1 for w in words if w in _STOP_SETS["en"])
    return en >= 15 and en >= 0.5 * sum(1 for w in words if w in _STOP_SETS[other])


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
    "would be nice", "is an advantage", "would be an advantage", "is beneficial",
    "would be beneficial",
)  # fmt: skip
_MUST_CUES = ("required", "must", "essential", "need to have", "requirement", "requirements")
NICE_CUE = re.compile(r"(?<!\w)(?:" + trie_regex(_NICE_CUES) + r")(?!\w)")
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
    plain = _without_leading_symbols(s)
    if plain != s:  # "✅ Must have", "⭐ Nice to have", "🚀 What you'll do"
        return _heading_text(plain) if plain else None
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


def _without_leading_symbols(text: str) -> str:
    """``text`` without the emoji or pictographs it starts with (bullets such as '•' or
    '-' are punctuation and stay: they start list items, not headings)."""
    import unicodedata

    i = 0
    while i < len(text) and (
        unicodedata.category(text[i]) in ("So", "Sk", "Mn", "Cf") or text[i] == "\ufe0f"
    ):
        i += 1
    return text[i:].strip() if i else text


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


def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    left = max((m.end() for m in _SENT_END.finditer(text, max(0, start - 400), start)), default=0)
    if left == 0 and start > 400:
        left = max(0, start - 400)
    m = _SENT_END.search(text, end)
    right = m.start() if m else len(text)
    return left, right


class Layout:
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
        self._nice = {self.sentence_index(p) for p in _cue_positions(NICE_CUE, text, folded)}
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
