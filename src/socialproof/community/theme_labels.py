"""A theme's label and keywords, as a community manager would write them.

:func:`c_tf_idf` ranks the words and two-word phrases of each theme's messages against
the other themes' (class-based TF-IDF, as BERTopic does), leaving out politeness, chat
fillers and laughter; :func:`theme_label` picks a short phrase from them ("lost
luggage", "late flight"), and :func:`reply_label` names a theme of mostly polite
replies ("thank you", "short replies").
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from importlib import resources
from typing import TYPE_CHECKING

from socialproof.community.theme_text import is_content_word, theme_tokens

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

# words a community manager would not put in a theme's label (politeness, fillers, chat);
# they still count for the clustering
PHRASE_SHARE = 0.15  # "late flight" in 26 of a theme's 132 "flight" messages labels it
_FILLER = frozenset(
    """thank thanks thx thanx ty tysm cheers appreciate appreciated pls plz ok okay alright
    yes yeah yep yup nope nah lol lmao haha hahaha omg guys tho though well seems think
    thought sure cool great awesome nice perfect sorry wondering anyway maybe something
    anything everything someone anyone ever always never again already going gonna wanna
    getting youu hii heyy loo""".split()
)
# a two-word label does not end on these ("due last", "checkout keeps")
_BAD_END = frozenset(
    "last every keeps keep still due next since ago even ever getting going tried make made "
    "take took give gave used using".split()
)
# words too vague to be a label on their own (they may start a phrase: "hasn't arrived")
_NOT_ALONE = frozenset(
    "wasn't hasn't haven't didn't didnt doesn't doesnt isn't isnt won't wont can't cant "
    "pretty come came comes goes went use saying said forward happening happens soon ago".split()
)
_ELONGATED = re.compile(r"(\w)\1$|(\w)\2\2")  # "soo", "yass", "okk", "heyyy"
_LAUGH = re.compile(r"^(?:(?:a?h+a+)+h*|(?:lol)+|lmf?ao+|(?:w+o+)+|x+d+)$")  # "hahah", "lool"
_THANKS = re.compile(
    r"\b(?:th+a+n+k|thx|thnx|thanx|ty|tysm|cheers|appreciated?|gracias|merci|danke|grazie)",
    re.I,
)


def theme_label(terms: list[str], counts: Mapping[str, int] | None = None) -> str:
    """A short phrase for a theme: its best two-word phrase when that is among its top
    four terms and said by at least :data:`PHRASE_SHARE` as many of its messages as its
    most said one (a phrase a few of them use does not label the rest), else its top
    word; words too vague to stand alone ("comes", "pretty") give way to the next term."""
    if not terms:
        return ""
    usable = [t for t in terms if " " in t or t not in _NOT_ALONE] or terms
    most = max((counts or {}).get(t, 0) for t in usable[:4])
    for term in usable[:4]:
        if " " in term and (counts is None or counts.get(term, 0) >= PHRASE_SHARE * most):
            return term
    return usable[0]


def reply_label(member_docs: Sequence[str], counts: Mapping[str, int]) -> str:
    """ "thank you" or "short replies" for a theme of messages that are mostly politeness
    ("Thank you!!", "ok done"): its words would otherwise be the odd few it has."""
    if not member_docs:
        return ""
    top = max(counts.values(), default=0)
    if top >= 0.25 * len(member_docs):
        return ""  # a content word most of them share labels it
    thanks = sum(1 for d in member_docs if _THANKS.search(d))
    if thanks >= 0.5 * len(member_docs):
        return "thank you"
    short = sum(1 for d in member_docs if not _label_terms(d))
    return "short replies" if short >= 0.5 * len(member_docs) else ""


def _elongated(word: str) -> bool:
    """Laughter, or a word stretched in chat ("soo", "yass") that is no English word ("too",
    "free" are)."""
    if _LAUGH.match(word):
        return True
    return _ELONGATED.search(word) is not None and word not in _english()


@functools.cache
def _english() -> frozenset[str]:
    text = (resources.files("socialproof") / "data" / "wordlist_en.txt").read_text(encoding="utf-8")
    return frozenset(
        line.split("\t", 1)[0] for line in text.splitlines() if line and line[0] != "#"
    )


def _label_terms(text: str) -> set[str]:
    """Label candidates of a message: its content words and two-word phrases without
    fillers ("thanks", "guys"), no phrase ending on a dangling word ("due last")."""
    toks = theme_tokens(text)
    ok = [_label_word(w) for w in toks]
    terms = {w for w, good in zip(toks, ok, strict=True) if good}
    for i in range(len(toks) - 1):
        if ok[i] and ok[i + 1] and toks[i] != toks[i + 1] and toks[i + 1] not in _BAD_END:
            terms.add(f"{toks[i]} {toks[i + 1]}")
    return terms


@functools.lru_cache(maxsize=100_000)
def _label_word(word: str) -> bool:
    return is_content_word(word) and word not in _FILLER and not _elongated(word)


def c_tf_idf(texts: Sequence[str], labels: Sequence[int], k: int, top: int = 5) -> list[list[str]]:
    """Top words and two-word phrases per class by class-based TF-IDF (BERTopic's c-TF-IDF).

    A term counts once per message; a term in fewer than 2 messages of a class (or 5 %
    of it, for large classes) is not a label candidate there; fillers ("thanks", "guys")
    never are.
    """
    return c_tf_idf_counts(texts, labels, k, top)[0]


def c_tf_idf_counts(
    texts: Sequence[str], labels: Sequence[int], k: int, top: int = 5
) -> tuple[list[list[str]], list[dict[str, int]]]:
    """:func:`c_tf_idf` and, per class, the number of its messages with each top term."""
    per_class: list[Counter[str]] = [Counter() for _ in range(k)]
    sizes = [0] * k
    for text, label in zip(texts, labels, strict=True):
        if label < 0:
            continue
        per_class[label].update(_label_terms(text))
        sizes[label] += 1
    total_words = sum(sum(c.values()) for c in per_class)
    avg = total_words / max(k, 1)
    freq: Counter[str] = Counter()
    for c in per_class:
        freq.update(c)
    out: list[list[str]] = []
    counts: list[dict[str, int]] = []
    for c, n_docs in zip(per_class, sizes, strict=True):
        size = sum(c.values()) or 1
        least = 1 if n_docs < 4 else max(2, math.ceil(0.05 * n_docs))
        scored = sorted(
            ((cnt / size) * math.log(1 + avg / freq[w]), w) for w, cnt in c.items() if cnt >= least
        )
        if not scored:
            scored = sorted(((cnt / size) * math.log(1 + avg / freq[w]), w) for w, cnt in c.items())
        scored.sort(key=lambda sw: (-sw[0], sw[1]))
        out.append([w for _, w in scored[:top]])
        counts.append({w: c[w] for _, w in scored[:top]})
    return out, counts
