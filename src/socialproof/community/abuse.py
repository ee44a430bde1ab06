"""Abuse aimed at people, told apart from profanity: word lists and patterns.

A customer who writes "this is f***ing broken" is frustrated; one who writes "you
stupid idiot" or "I will find you" is abusing a person. Moderation on care traffic
needs the second and not the first, so the cues here are kept apart:

* **profanity**: swearing, obfuscated too (``f***``, ``sh*t``, ``fkn``);
* **insult**: words that call a person something (idiot, moron, scum, ...);
* **targeted insult**: an insult or a swear aimed at someone ("you idiot", "fuck
  you", "she is a liar", "shut up");
* **threat**: harm wished on or promised to someone ("I will kill you", "hope you
  die", "kys");
* **slur**: words that attack a group or an identity.

The lists are written by the project (no third-party list is copied). They feed two
things: dense features of the toxicity model (:func:`features`), and the moderator's
"abuse aimed at people" rule (:func:`cues`), which names the words that fired.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy as np

_F = r"f(?:u|\*|@|v)?(?:c|\*)?(?:k|\*)"  # fuck, f*ck, f**k, fk, fuk, fck
_PROFANITY = (
    rf"{_F}(?:ing|in|in'|ed|er|ers|s|ed up|wit|face|tard)?|f\*{{2,4}}(?:ing|in|ed)?|fkn|fking|fcking"
    r"|motherf\w*|mf|mofo|sh[i1\*]t\w*|sh\*{2}|bull\s?sh\w+|bs|crap\w*|damn\w*|goddamn\w*"
    r"|wtf|stfu|gtfo|ffs|af|piss\w*|arse\w*|ass|asses|asshat|dammit|bloody hell|hell no"
    r"|bitch\w*|b\*tch\w*|cunt\w*|dick\w*|cock\w*|tits?|titties|prick\w*|twat\w*|wank\w*"
    r"|bollocks|screw(?:ed)?|suck(?:s|ed)?|nigga\w*|hoe|hoes|thot"
)
_PERSON = (  # nouns that call a person something
    r"idiots?|morons?|losers?|scum\w*|clowns?|imbeciles?|cretins?|jackass\w*|assholes?|arseholes?"
    r"|dumbass\w*|bitch\w*|cunts?|dickheads?|pricks?|twats?|wankers?|bastards?|whores?|sluts?"
    r"|skanks?|pigs?|liars?|hypocrites?|cowards?|fools?|traitors?|douche\w*|lowlifes?|low lifes?"
    r"|piece of (?:shit|crap|garbage|trash|work)|pos|son of a bitch|nazis?|fascists?|libtards?"
    r"|snowflakes?|cucks?|degenerates?|psychos?|creeps?|perverts?|pedo\w*|retards?"
)
_ADJ = (  # words that call a person something only when aimed at one
    r"idiotic|moronic|stupid\w*|dumb|retarded|pathetic|worthless|ignorant|disgusting|ugly"
    r"|foolish|trash|garbage|scummy"
)
_INSULT = rf"{_PERSON}|{_ADJ}"
_SLUR = (
    r"nigger\w*|n[i1]gg[e3]r\w*|faggot\w*|fag|fags|f@g\w*|tranny|trannies|spics?|kikes?"
    r"|chinks?|wetbacks?|dykes?|gooks?|ragheads?|towelheads?|beaners?|coons?"
)
_YOU = r"(?:you|u|ya|youre|you're|you are|u r|ur a|ur an|yall|y'all|you guys|you people)"
_THIRD = r"(?:he|she|they|@user|this (?:guy|man|woman|dude))"
_IS = r"(?:is|'s|are|'re|was|were|looks like|sounds like|is such|are such)"
_FILL = (
    r"(?:are|r|re|is|such|a|an|the|so|just|absolute|bunch of|total|fucking|fkn|f\*+ing|bloody"
    r"|little|big|complete|utter|of|fat|stupid|dumb|lying|sad|ignorant|pathetic|worthless"
    r"|useless|incompetent|lazy|greedy|clueless|brainless|ugly|disgusting)"
)

_WORD_LIST = {
    "profanity": re.compile(rf"(?<![\w*@])(?:{_PROFANITY})(?![\w*])", re.I),
    "insult": re.compile(rf"(?<![\w*])(?:{_INSULT})(?!\w)", re.I),
    "slur": re.compile(rf"(?<![\w*])(?:{_SLUR})(?!\w)", re.I),
}
_NAME_CALLING = re.compile(rf"(?<![\w*])(?:{_PERSON})(?!\w)", re.I)
_TARGETED = re.compile(
    # "you stupid idiot", "you are a worthless piece of garbage", "you guys are pathetic"
    rf"(?<!\w){_YOU}\s+(?:{_FILL}\s+){{0,4}}(?:{_INSULT}|{_SLUR})(?!\w)"
    # "she is a liar", "@user is an idiot" (nouns only: "they are garbage" may be songs)
    rf"|(?<!\w){_THIRD}\s+{_IS}\s+(?:{_FILL}\s+){{0,3}}(?:{_PERSON}|{_SLUR})(?!\w)"
    # swearing aimed at someone
    rf"|(?<!\w)(?:{_F}|f\*+|screw|damn|go to hell|to hell with|eat shit)"
    r"\s+(?:off|you|u|yourself|him|her|them|@user)(?!\w)"
    r"|(?<!\w)(?:piss off|sod off)(?!\w)",
    re.I,
)
_ACTOR = (
    r"(?:i(?:'ll| will| am going to|'m going to|'m gonna| gonna| want to| wanna| would)"
    r"|we(?:'ll| will| are going to| gonna)|someone should|somebody should|i hope someone)"
)
_HARM = r"(?:kill|hurt|beat|shoot|stab|murder|punch|slap|strangle|choke|rape|find|hunt down)"
_THREAT = re.compile(
    rf"(?<!\w){_ACTOR}\s+(?:\w+\s+)?{_HARM}\s+(?:you|u|him|her|them|@user)(?!\w)"
    r"|(?<!\w)(?:hope|wish)\s+(?:you|u|he|she|they|@user|your (?:company|staff|family|\w+ (?:dies|burns)))"
    r"\s+(?:all\s+)?(?:die|dies|died|burn|burns|rot|rots|get (?:cancer|shot|killed|raped)|suffer)(?!\w)"
    r"|(?<!\w)(?:you|u|he|she|they)\s+(?:should|deserve to|need to|ought to)\s+(?:\w+\s+)?"
    r"(?:die|be shot|be killed|be hanged|hang|rot|burn)(?!\w)"
    r"|(?<!\w)(?:kill (?:yo)?urself|kys|watch your back|you(?:'re| are) dead|i know where you live)"
    r"(?!\w)",
    re.I,
)
_SECOND_PERSON_WORDS = r"(?<!\w)(?:you|u|ur|your|youre|you're|yall|y'all)(?!\w)"
_SECOND_PERSON = re.compile(_SECOND_PERSON_WORDS, re.I)
_SECOND_PERSON_ASCII = re.compile(_SECOND_PERSON_WORDS)  # on lowercased ASCII: the same, faster

N_FEATURES = 8
"""Dense features per text: profanity, insult, slur, targeted, threat (0/1 each), count
of profane words (capped at 3, scaled), second person, profanity without any target."""


@dataclass(frozen=True)
class Cues:
    """What fired in one text (the matched words, lowercase, first of each kind)."""

    profanity: tuple[str, ...] = ()
    insult: tuple[str, ...] = ()
    slur: tuple[str, ...] = ()
    targeted: tuple[str, ...] = ()
    threat: tuple[str, ...] = ()
    name_calling: tuple[str, ...] = ()  # the insults that are nouns for a person ("bitch")

    @property
    def aimed_at_no_one(self) -> bool:
        """Swearing or harsh words about a thing ("that's stupid", "this is shit"), nothing
        that calls a person something, threatens or attacks a group."""
        return bool(self.profanity or self.insult) and not (
            self.aimed_at_people or self.name_calling
        )

    @property
    def aimed_at_people(self) -> bool:
        """A targeted insult, a threat or a slur: abuse, not just swearing."""
        return bool(self.targeted or self.threat or self.slur)

    def reasons(self) -> list[str]:
        """Reasons for a flag raised by these cues (empty when not aimed at people)."""
        out: list[str] = []
        if self.threat:
            out.append(f"threat '{self.threat[0]}'")
        if self.targeted:
            out.append(f"insult aimed at a person '{self.targeted[0]}'")
        if self.slur:
            out.append(f"slur '{self.slur[0]}'")
        return out


# A text can only have a cue if one of its words starts with one of these (every
# pattern above starts from such a word): most texts are skipped after one cheap pass.
_F_FORMS = tuple(
    "f" + a + b + c for a in ("", "u", "*", "@", "v") for b in ("", "c", "*") for c in ("k", "*")
)
_PREFIXES = _F_FORMS + tuple(
    """shit sh1t sh*t sh** crap damn dammit goddam piss arse assh asshat bitc b*tc cunt dick
    cock prick twat wank bolloc screw suck nigg n1gg idiot moron loser scum clown imbecil
    cretin jackass dumb bastard whore slut skank liar hypocrit coward fool traitor douche
    lowlife nazi fascis libtard snowflak cuck degenerat psycho creep pervert pedo retard
    stupid pathetic worthless ignoran disgust ugly trash garbage faggot f@g trann kike chink
    wetback dyke gook raghead towelhead beaner kill hurt shoot murder punch slap strangl chok
    rape hunt burn suffer motherf bullsh""".split()
)
_EXACT = frozenset(
    """bs af mf mofo ass asses hell bloody tit tits titties hoe hoes thot pig pigs pos sob low
    piece spic spics coon coons fag fags bull sod die dies died rot rots cancer shot hang
    hanged stab beat find watch dead live kys wtf stfu gtfo ffs""".split()
)
_WORDS = re.compile(r"[\w*@]+")
_BY_START: dict[str, tuple[str, ...]] = {}
for _p in _PREFIXES:
    _BY_START[_p[:2]] = (*_BY_START.get(_p[:2], ()), _p)


def _maybe(lower: str) -> bool:
    words = _WORDS.findall(lower)
    if not _EXACT.isdisjoint(words):
        return True
    by_start = _BY_START
    for w in words:
        starts = by_start.get(w[:2])
        if starts is not None and w.startswith(starts):
            return True
    return False


def _found(pattern: re.Pattern[str], text: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for m in pattern.finditer(text):
        seen.setdefault(" ".join(m.group(0).lower().split()), None)
    return tuple(seen)


def prepare(text: str) -> str:
    """The text the patterns read: handles as ``@user``, whitespace collapsed, cut."""
    text = " ".join(text[:2000].split())
    if "@" in text:
        text = re.sub(r"@\w+", "@user", text)
    return text.replace("’", "'")


def _word_maybe(word: str) -> bool:
    """Whether one word (a ``_WORDS`` match) lets ``_maybe`` hold."""
    if word in _EXACT:
        return True
    starts = _BY_START.get(word[:2])
    return starts is not None and word.startswith(starts)


_SEP_WORD = "@*_end_of_text_*@"  # a _WORDS word between the texts of a batch
_WORD_FLAGS: dict[str, int] = {_SEP_WORD: 2}  # word -> 1 if _word_maybe, else 0
_WORD_FLAGS_MAX = 300_000


def _maybe_many(lowers: list[str]) -> list[bool]:
    """``_maybe`` of each lowercased text, from one scan of the batch and one lookup per
    word (each distinct word is judged once and kept)."""
    import numpy as np

    n = len(lowers)
    words = _WORDS.findall(f" {_SEP_WORD} ".join(lowers))
    flags = _WORD_FLAGS
    if len(flags) > _WORD_FLAGS_MAX:
        flags.clear()
        flags[_SEP_WORD] = 2
    for word in set(words).difference(flags):
        flags[word] = int(_word_maybe(word))
    codes = np.fromiter(map(flags.__getitem__, words), dtype=np.int8, count=len(words))
    ends = codes == 2
    if int(ends.sum()) != n - 1:  # a text holds the separator itself: one by one
        return [_maybe(t) for t in lowers]
    out = np.zeros(n, dtype=bool)
    out[np.cumsum(ends)[codes == 1]] = True
    result: list[bool] = out.tolist()
    return result


_NO_CUES = Cues()
_CACHE_MAX = 50_000  # texts whose cues are kept (the moderator reads each batch twice)
_CACHE: dict[str, Cues] = {}


def cues(text: str) -> Cues:
    """The abuse cues of one text (kept for the next call with the same text)."""
    got = _CACHE.get(text)
    if got is None:
        if len(_CACHE) >= _CACHE_MAX:
            _CACHE.clear()
        got = _CACHE[text] = _cues(prepare(text))
    return got


def clear_cache() -> None:
    """Forget the cues kept by :func:`cues` and :func:`cues_of`."""
    _CACHE.clear()


def cues_of(texts: Sequence[str]) -> list[Cues]:
    """:func:`cues` of each text of a batch; the texts without any word a cue starts
    from (most) are found for the whole batch at once, the others one by one."""
    got = _CACHE.get
    out: list[Cues | None] = [got(t) for t in texts]
    todo = [i for i, c in enumerate(out) if c is None]
    if todo:
        if len(_CACHE) + len(todo) > _CACHE_MAX:
            _CACHE.clear()
        prepared = [prepare(texts[i]) for i in todo]
        maybe = _maybe_many([t.lower() for t in prepared])
        for i, t, m in zip(todo, prepared, maybe, strict=True):
            out[i] = _CACHE[texts[i]] = _cues(t) if m else _NO_CUES
    return [_NO_CUES if c is None else c for c in out]


def _cased(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` without ``re.I``: on a lowercased ASCII text it finds what ``pattern``
    finds on the text (its letters are all lowercase), about twice as fast."""
    return re.compile(pattern.pattern, pattern.flags & ~re.I)


# (profanity, insult, slur, targeted, threat, name calling): as written, and for ASCII
_PATTERNS = (
    _WORD_LIST["profanity"],
    _WORD_LIST["insult"],
    _WORD_LIST["slur"],
    _TARGETED,
    _THREAT,
    _NAME_CALLING,
)
_ASCII_PATTERNS = tuple(_cased(p) for p in _PATTERNS)


def _cues(t: str) -> Cues:
    """The cues of a prepared text."""
    if not t:
        return _NO_CUES
    lower = t.lower()
    if not _maybe(lower):
        return _NO_CUES
    if t.isascii():
        t = lower
        profanity, insult_re, slur, targeted, threat, name_calling = _ASCII_PATTERNS
    else:
        profanity, insult_re, slur, targeted, threat, name_calling = _PATTERNS
    insult = _found(insult_re, t)
    return Cues(
        profanity=_found(profanity, t),
        insult=insult,
        slur=_found(slur, t),
        targeted=_found(targeted, t),
        threat=_found(threat, t),
        name_calling=_found(name_calling, t) if insult else (),
    )


def features(texts: Sequence[str]) -> np.ndarray:
    """``N_FEATURES`` dense floats per text, for the toxicity model."""
    import numpy as np

    out = np.zeros((len(texts), N_FEATURES), dtype=np.float32)
    second, second_ascii = _SECOND_PERSON.search, _SECOND_PERSON_ASCII.search
    for i, (text, c) in enumerate(zip(texts, cues_of(texts), strict=True)):
        you = (second_ascii(text.lower()) if text.isascii() else second(text)) is not None
        if c is _NO_CUES:  # no cue: only "second person" can be set
            out[i, 6] = you
            continue
        out[i] = (
            bool(c.profanity),
            bool(c.insult),
            bool(c.slur),
            bool(c.targeted),
            bool(c.threat),
            min(len(c.profanity), 3) / 3.0,
            you,
            bool(c.profanity) and not c.aimed_at_people and not c.insult,
        )
    return out
