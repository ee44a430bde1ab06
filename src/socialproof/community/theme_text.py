"""What of a message is content, for the themes: no handles, links, codes or brand names.

:func:`content` strips what says nothing of a message's theme (@handles, links, e-mail
addresses, order and ticket numbers, codes with digits, agents' signatures) and the
brand names it is given as plain words; :func:`brand_names` finds those names (the
handles a batch addresses often, and a care handle's brand: "spotifycares" and
"spotify"). :func:`theme_tokens` and :func:`theme_words` are the words of a text the
clustering and the routing rules read (:func:`is_content_word`: no stop words).
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter
from typing import TYPE_CHECKING

from socialproof.community import _text

if TYPE_CHECKING:
    from collections.abc import Sequence

_STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just let me more most my myself no nor not now of off on once only or other our
    ours ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves
    im i'm it's its don't dont can't cant won't didn't doesn't isn't i've i'll i'd you're
    you've we're they're that's what's there's let's get got please thanks thank hi hello hey
    u ur also really still even much many one would like want need know tell say said""".split()
)
_WORD = re.compile(r"^[a-z][a-z0-9'\-]*$")
_NOT_CONTENT = re.compile(
    r"(?:https?://|www\.)\S+"  # links
    r"|\S+@\S+\.\w+"  # e-mail addresses
    r"|[@＠]\w+"  # handles
    r"|__\w+__"  # anonymisation placeholders (__email__, __phone__)
    r"|(?<!\w)\^[A-Za-z]{1,3}\b"  # agents' signatures on brand replies (^JM)
    r"|\b[a-z][a-z0-9+.-]*:[a-z]+:\S+"  # app links (spotify:track:1fUl...)
    r"|#?\b[A-Za-z]*\d[\w-]*"  # order/ticket numbers, codes with digits, times, prices
    r"|\b[\w-]+\.(?:com|net|org|ly|io|co)(?:/\S*)?\b",
    re.I,
)
_HASHTAG = re.compile(r"#(\w+)")


def content(text: str, brands: frozenset[str] = frozenset()) -> str:
    """A message without what is not content: handles, links, e-mail addresses, numbers
    and codes (``#4471``, ``AB12CD``, ``10:30``), hashtags as their words, and the
    ``brands`` (lowercase names, e.g. of the handles a batch addresses) as words."""
    text = _text.clean(text)
    if "&" in text:  # exports often keep HTML entities (&amp;)
        text = html.unescape(text)
    text = _NOT_CONTENT.sub(" ", text)
    if "#" in text:
        text = _HASHTAG.sub(lambda m: " ".join(_text.split_hashtag(m.group(0))), text)
    words = text.split()
    if brands:
        words = [w for w in words if _bare(w) not in brands]
    return " ".join(words)


def _bare(word: str) -> str:
    """A word lowercased without edge punctuation or a possessive ("Spotify's" -> spotify)."""
    w = word.lower().replace("’", "'").strip(_EDGE_PUNCT)
    return w[:-2] if w.endswith("'s") else w


# a care handle is the brand name plus one of these (@SpotifyCares, @AppleSupport): the name
# alone is a brand word too
_CARE_SUFFIX = re.compile(
    r"(?:cares?|support|help|helps|assist|service|services|team|hq|official|news|uk|us)+$"
)


def _brand_words(handle: str) -> set[str]:
    name = handle.lstrip("@＠").lower()
    out = {name} if name else set()
    stem = _CARE_SUFFIX.sub("", name).rstrip("_")
    if len(stem) >= 3:
        out.add(stem)
    return out


_EDGE_PUNCT = ".,:;!?'\"()[]"
_HANDLE = re.compile(r"[@＠](\w+)")
BRAND_SHARE = 0.02  # a handle in at least this share of a batch is a brand it addresses


def brand_names(texts: Sequence[str], extra: Sequence[str] = ()) -> frozenset[str]:
    """Names of the handles a batch addresses (in at least :data:`BRAND_SHARE` of its
    texts, and at least twice), lowercase, plus ``extra`` (a workspace's own handles); a
    care handle's brand name too ("spotifycares" and "spotify")."""
    counts: Counter[str] = Counter()
    for text in texts:
        if "@" in text or "＠" in text:
            counts.update({m.lower() for m in _HANDLE.findall(text)})
    least = max(2, math.ceil(BRAND_SHARE * len(texts)))
    names: set[str] = set()
    for name, n in counts.items():
        if n >= least:
            names |= _brand_words(name)
    for handle in extra:
        names |= _brand_words(handle)
    return frozenset(names)


def theme_tokens(text: str) -> list[str]:
    """Lowercase words of a text in order, negation marks dropped, hashtags left out."""
    out = []
    for tok in _text.tokens(text):
        word = tok[:-4] if tok.endswith("_neg") else tok
        if not word.startswith("#"):
            out.append(word)
    return out


def is_content_word(word: str) -> bool:
    return len(word) > 2 and word not in _STOPWORDS and _WORD.match(word) is not None


def theme_words(text: str) -> list[str]:
    return [w for w in theme_tokens(text) if is_content_word(w)]


def _theme_terms(text: str) -> set[str]:
    """Content words and two-word phrases of content words ("lost luggage")."""
    toks = theme_tokens(text)
    ok = [is_content_word(w) for w in toks]
    terms = {w for w, good in zip(toks, ok, strict=True) if good}
    for i in range(len(toks) - 1):
        if ok[i] and ok[i + 1] and toks[i] != toks[i + 1]:
            terms.add(f"{toks[i]} {toks[i + 1]}")
    return terms
