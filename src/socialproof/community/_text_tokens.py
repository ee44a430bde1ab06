"""Text normalisation and tokenisation shared by the text models.

Social text needs its own tokeniser: ``@handles`` become ``@user``, links
become ``<url>``, ``#HashTags`` keep the tag and its words, elongations
(``soooo``) shrink to two letters and leave an ``<elong>`` marker, emoji and
emoticons are tokens of their own, and words after a negation (``not``,
``don't``, ``never`` ...) carry a ``_neg`` suffix up to the next punctuation
mark, so "not good" and "good" are different features.

Everything here is plain Python over one text at a time, fast enough to be
called on batches from the models (and from Spark pandas UDFs later). The
patterns (``URL``, ``TOKEN``, ``NEGATIONS`` ...) are public: the batch tokeniser of
``_text_vocab`` applies the same rules chunk by chunk. :func:`as_texts` makes a batch
of strings of what a caller passes.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from socialproof.errors import BadInput

if TYPE_CHECKING:
    from collections.abc import Iterable


MAX_CHARS = 2_000
"""Longer texts are cut to this many characters before scoring (the models
were trained on tweets and comments; a 50,000-character message still gets a
label, from its first 2,000 characters)."""

URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|net|org|ly|io|co)(?:/\S*)?\b", re.I)
MENTION = re.compile(r"@\w+")
ELONG = re.compile(r"(\w)\1{2,}")
_CAPS_WORD = re.compile(r"(?<!\S)[A-Z]{3,}(?!\S)")
_HAS_UPPER_RUN = re.compile(r"[A-Z]{3}")
SURROGATE = re.compile("[\ud800-\udfff]")

# Emoticons first (":-)" must not split into punctuation), then URLs/markers,
# @user, #tags, words with inner apostrophes, numbers, emoji, punctuation runs.
_EMOTICON = (
    r"(?:[<>]?[:;=8][\-o\*']?[\)\]\(\[dDpP/\:\}\{@\|\\3]"
    r"|[\)\]\(\[dDpP/\:\}\{@\|\\][\-o\*']?[:;=8][<>]?|<3|</3|\^_*\^|-_+-|[xX]D+\b)"
)
TOKEN = re.compile(
    _EMOTICON
    + r"|<url>|<elong>|@user|#\w+|\w+(?:['’]\w+)*"
    + r"|[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u2300-\u23FF\u2190-\u21FF\u3297\u3299]"
    + r"|[!?]+|[.,:;]+"
)
PUNCT = frozenset(".,:;!?")
NEGATIONS = frozenset(
    """not no never none nobody nothing neither nor nowhere cannot cant dont doesnt didnt
    isnt arent wasnt werent wont wouldnt shouldnt couldnt hasnt havent hadnt aint
    without hardly barely""".split()
)
NEG_SCOPE = 4
POS_EMOTICONS = frozenset(":) :-) :d :-d =) ;) ;-) :p :-p ^^ ^_^ xd <3 (: :] =] 8)".split())
NEG_EMOTICONS = frozenset(":( :-( :'( ): =( :[ :/ :-/ :\\ </3 -_- >:(".split())


def clean(text: str) -> str:
    """Cut, normalise Unicode (NFC), drop control characters, collapse whitespace."""
    if text.isascii():  # nothing to normalise
        return " ".join(text[:MAX_CHARS].split())
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS]
    if SURROGATE.search(text):  # lone surrogates (from undecodable bytes) break encoders
        text = SURROGATE.sub("\ufffd", text)
    text = unicodedata.normalize("NFC", text)
    if "\ufe0f" in text or "\u200d" in text:
        text = text.replace("\ufe0f", "").replace("\u200d", " ")
    return " ".join(text.split())


def normalise(text: str) -> str:
    """Clean, then replace links and handles and shrink elongations (keeps case)."""
    text = clean(text)
    if "." in text:  # every link form the pattern knows has a dot
        text = URL.sub(" <url> ", text)
    if "@" in text:
        text = MENTION.sub("@user", text)
    return ELONG.sub(r"\1\1 <elong>", text)


_TAG_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def split_hashtag(tag: str) -> list[str]:
    """``#SocialMediaTips`` -> ``['social', 'media', 'tips']`` (lowercase words)."""
    body = tag.lstrip("#")
    parts = _TAG_WORD.findall(body)
    return [p.lower() for p in parts] if parts else [body.lower()]


def tokens(text: str) -> list[str]:
    """Lowercase tokens of a normalised text, hashtags expanded, negation scope marked."""
    norm = normalise(text)
    has_tag = "#" in norm
    out: list[str] = []
    append = out.append
    neg_left = 0
    negations = NEGATIONS
    for raw in TOKEN.findall(norm if has_tag else norm.lower()):
        first = raw[0]
        if first in PUNCT:
            neg_left = 0
            append(raw[:3])
            continue
        if has_tag:
            tok = raw.lower()
            if first == "#" and len(raw) > 1:
                append(tok)
                for word in split_hashtag(raw):
                    if neg_left > 0:
                        append(word + "_neg")
                        neg_left -= 1
                    else:
                        append(word)
                continue
        else:
            tok = raw
        if "’" in tok:
            tok = tok.replace("’", "'")
        if neg_left > 0 and first.isalnum():
            append(tok + "_neg")
            neg_left -= 1
        else:
            append(tok)
        if tok in negations or tok.endswith("n't"):
            neg_left = NEG_SCOPE
    return out


def is_emoticon_positive(token: str) -> bool:
    return token in POS_EMOTICONS


def is_emoticon_negative(token: str) -> bool:
    return token in NEG_EMOTICONS


def shape_features(text: str) -> tuple[int, int, int, int]:
    """(ALL-CAPS words, '!' count, '?' count, elongations) of a raw text."""
    caps = len(_CAPS_WORD.findall(text)) if _HAS_UPPER_RUN.search(text) else 0
    return caps, text.count("!"), text.count("?"), len(ELONG.findall(text))


def as_texts(texts: Iterable[object]) -> list[str]:
    """A batch as a list of strings: None/NaN become empty texts; one bare string is refused."""
    if isinstance(texts, str):
        raise BadInput(
            "Text models take a list of texts, not one string.",
            hint="Wrap it in a list: predict([text]).",
        )
    out: list[str] = []
    for text in texts:
        if text is None or (isinstance(text, float) and text != text):
            out.append("")
        elif isinstance(text, str):
            out.append(text)
        elif isinstance(text, bytes):
            out.append(text.decode("utf-8", "replace"))
        else:
            out.append(str(text))
    return out
