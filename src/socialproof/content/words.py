"""Split run-together words (``socialmediatips`` -> social media tips) with a word list.

The list (``data/wordlist_en.txt``, built by ``scripts/build_wordlist.py``) holds word
frequencies; the most probable split wins (a unigram model, as in Norvig's
"Natural Language Corpus Data", 2009). Words not in the list make a split fail, so
the linter only offers a CamelCase fix it can stand behind; so does a split that needs a
rare short word (three letters or fewer, outside the :data:`COMMON_SHORT` most frequent
words): a word the list lacks falls apart into such pieces ('collab' read 'col lab' and
'bookstagram' 'books tag ram' before the builder listed them).
"""

from __future__ import annotations

import math
from functools import cache, lru_cache
from pathlib import Path

WORDLIST = Path(__file__).resolve().parent.parent / "data" / "wordlist_en.txt"
_MAX_WORD = 24
#: A word of three letters or fewer counts in a split only among this many most frequent
#: words ('new', 'tea', 'lab' are; 'col', 'ger', 'ram', 'fam' are not) or the list's
#: curated social media terms ('oat', 'tbt')
COMMON_SHORT = 3000


@cache
def _common_short() -> frozenset[str]:
    costs = _costs()
    ranked = sorted(costs, key=costs.__getitem__)
    common = {w for w in ranked[:COMMON_SHORT] if len(w) <= 3}
    with WORDLIST.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.startswith("#"):
                break
            if line.startswith("# curated:"):  # the builder's social media terms
                common.update(w for w in line.split(":", 1)[1].split() if len(w) <= 3)
    return frozenset(common)


@cache
def _costs() -> dict[str, float]:
    counts: dict[str, int] = {}
    with WORDLIST.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            word, _, count = line.rstrip("\n").partition("\t")
            if word and count.isdigit():
                counts[word] = int(count)
    total = float(sum(counts.values())) or 1.0
    # Very short words are cheap in any corpus and make odd splits; charge them extra.
    return {
        w: math.log(total / c)
        + (
            4.0
            if len(w) <= 2
            and w
            not in (
                "a",
                "i",
                "of",
                "to",
                "in",
                "on",
                "my",
                "we",
                "me",
                "at",
                "by",
                "up",
                "go",
                "no",
                "is",
                "it",
                "be",
                "do",
                "so",
                "us",
                "or",
                "an",
                "as",
            )
            else 0.0
        )
        for w, c in counts.items()
    }


def split_words(text: str) -> list[str] | None:
    """The most probable split of a lower-case run of letters, or None when none fits."""
    s = text.lower()
    if not s.isalpha():
        return None
    costs = _costs()
    n = len(s)
    best: list[float] = [0.0] + [math.inf] * n
    back: list[int] = [0] * (n + 1)
    for end in range(1, n + 1):
        for start in range(max(0, end - _MAX_WORD), end):
            cost = costs.get(s[start:end])
            if cost is None or best[start] == math.inf:
                continue
            total = best[start] + cost
            if total < best[end]:
                best[end] = total
                back[end] = start
    if best[n] == math.inf:
        return None
    words: list[str] = []
    end = n
    while end > 0:
        start = back[end]
        words.append(s[start:end])
        end = start
    return words[::-1]


@lru_cache(maxsize=8192)
def camel_case(tag: str) -> str | None:
    """``socialmediatips`` -> ``SocialMediaTips``; digits kept; None when no split is found.

    Only all-lower-case (or all-upper-case) tags are changed: a tag with mixed case
    already shows its words.
    """
    body = tag.lstrip("#")
    letters = "".join(ch for ch in body if ch.isalpha())
    if not letters or not (letters.islower() or letters.isupper()):
        return None
    out: list[str] = []
    chunk = ""
    for ch in body + "\0":
        if ch.isalpha():
            chunk += ch
            continue
        if chunk:
            words = split_words(chunk)
            if words is None:
                return None
            if len(words) > 1 and any(
                len(w) <= 3 and w not in _common_short() for w in words
            ):  # a rare short piece: a word the list lacks, split where it has no seam
                return None
            out.append("".join(w[:1].upper() + w[1:] for w in words))
            chunk = ""
        if ch != "\0":
            out.append(ch)
    result = "".join(out)
    return result if result != body else None
