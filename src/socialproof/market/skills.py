"""Skill linking: find catalogue skills, tools, platforms and KPIs in text, with spans.

Two linkers:

* :class:`Gazetteer` finds the catalogue's own vocabulary (aliases of skills,
  tools, platforms, KPIs) in posting text, returning each match with its
  character span. Every catalogue skill carries its ESCO labels, so a match
  links to the catalogue and to ESCO at once. It compiles all aliases into one
  prefix-trie regular expression, so 10,000 postings take seconds.
* :class:`EscoLinker` ranks all ESCO skill labels for a free phrase (a skill a
  profile names that the catalogue does not know, or a span from a posting),
  by TF-IDF over character n-grams and words. Measured on the TechWolf/SkillSpan
  HOUSE annotations in ``benchmarks/skills_linking.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from socialproof.market.catalogue import Catalogue, data_file, load_catalogue

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence


@dataclass(frozen=True)
class Mention:
    kind: str  # skill | tool | platform | kpi
    id: str
    start: int
    end: int
    text: str


def trie_regex(words: Iterable[str]) -> str:
    """One regular expression matching any of ``words``, longest first, as a prefix trie."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = True

    def walk(node: dict[str, Any]) -> str:
        alts = [_char(ch) + walk(node[ch]) for ch in sorted(k for k in node if k)]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if "" in node:
            body = "(?:" + body + ")?"
        return body

    return walk(trie)


def fold_case(text: str) -> str | None:
    """``text.lower()`` when it keeps every character's position, else None.

    Matching literal lower-case patterns on lower-cased text is several times
    faster than ``re.IGNORECASE``; a few characters (e.g. 'İ') change length
    when lowered, and then callers fall back to ``re.IGNORECASE``.
    """
    low = text.lower()
    return low if len(low) == len(text) else None


def _norm(alias: str) -> str:
    return re.sub(r"[\s-]+", " ", alias.strip())


def _char(ch: str) -> str:
    if ch in " -":
        return r"[\s-]+"
    return re.escape(ch)


class Gazetteer:
    """Finds catalogue aliases in text (case-insensitive unless an alias has capitals)."""

    def __init__(
        self, catalogue: Catalogue, kinds: Sequence[str] = ("skill", "tool", "platform", "kpi")
    ) -> None:
        self.catalogue = catalogue
        lower: dict[str, list[tuple[str, str]]] = {}
        cased: dict[str, list[tuple[str, str]]] = {}
        sources: dict[str, Iterable[Any]] = {
            "skill": catalogue.skills.values(),
            "tool": catalogue.tools.values(),
            "platform": catalogue.platforms.values(),
            "kpi": catalogue.kpis.values(),
        }
        for kind in kinds:
            for item in sources[kind]:
                for alias in item.aliases:
                    target = cased if alias != alias.lower() else lower
                    key = _norm(alias) if target is cased else _norm(alias.lower())
                    entry = target.setdefault(key, [])
                    if (kind, item.id) not in entry:
                        entry.append((kind, item.id))
        self._lower = lower
        self._cased = cased
        boundary_l, boundary_r = r"(?<![\w#@])", r"(?![\w])"
        pattern = boundary_l + "(" + trie_regex(lower) + ")" + boundary_r
        self._re_lower = re.compile(pattern, re.IGNORECASE)
        self._re_folded = re.compile(pattern)  # on pre-lowercased text: much faster
        self._re_cased = (
            re.compile(boundary_l + "(" + trie_regex(cased) + ")" + boundary_r) if cased else None
        )

    def find(self, text: str) -> list[Mention]:
        out: list[Mention] = []
        folded = fold_case(text)
        passes = (
            (self._re_folded, folded, self._lower)
            if folded is not None
            else (self._re_lower, text, self._lower),
            (self._re_cased, text, self._cased),
        )
        for regex, haystack, table in passes:
            if regex is None:
                continue
            for m in regex.finditer(haystack):
                key = m.group(1)
                hits = table.get(key) or table.get(_norm(key.lower())) or []
                for kind, item_id in hits:
                    out.append(
                        Mention(kind, item_id, m.start(1), m.end(1), text[m.start(1) : m.end(1)])
                    )
        out.sort(key=lambda x: (x.start, x.kind))
        return out


@cache
def gazetteer() -> Gazetteer:
    return Gazetteer(load_catalogue())


# -- ESCO ranking ---------------------------------------------------------------


@cache
def esco_labels() -> tuple[str, ...]:
    text = data_file("careers", "esco_skill_labels.txt").read_text("utf-8")
    return tuple(line for line in text.splitlines() if line and not line.startswith("#"))


_WORD_PATTERN = r"(?u)\b\w[\w+#]*\b"  # words, keeping C++ and C# whole


class EscoLinker:
    """Ranks skill labels (ESCO's by default) for free-text phrases.

    ``method="tfidf"``: cosine over character n-grams (3-5) plus words (1-2),
    each half L2-normalised, so scores run 0..2. ``method="hybrid"`` adds the
    cosine of the packaged static sentence embeddings (MiniLM distilled with
    model2vec, ``data/models/minilm_static``) with equal weight, fixed a priori
    (not tuned on any benchmark). The default is hybrid when the model loads.
    """

    def __init__(self, labels: Sequence[str] | None = None, *, method: str | None = None) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import FeatureUnion

        self.labels = list(labels if labels is not None else esco_labels())
        self._vec = FeatureUnion(
            [
                (
                    "char",
                    TfidfVectorizer(
                        analyzer="char_wb",
                        ngram_range=(3, 5),
                        sublinear_tf=True,
                        lowercase=True,
                        min_df=1,
                    ),
                ),
                (
                    "word",
                    TfidfVectorizer(
                        analyzer="word",
                        ngram_range=(1, 2),
                        sublinear_tf=True,
                        lowercase=True,
                        stop_words="english",
                        token_pattern=_WORD_PATTERN,
                    ),
                ),
            ]
        )
        self._matrix = self._vec.fit_transform(self.labels)
        self._emb: Any = None
        if method in (None, "hybrid"):
            self._emb = _embed(self.labels)
            if self._emb is None and method == "hybrid":
                raise MissingModel("the packaged sentence-embedding model")
        self.method = "hybrid" if self._emb is not None else "tfidf"
        # below this a "closest label" is noise ("Mixology" -> "sexology"): half the scale
        self.min_score = 2.0 if self.method == "hybrid" else 0.6

    def rank(self, phrases: Sequence[str], k: int = 10) -> list[list[tuple[str, float]]]:
        """For each phrase, the ``k`` best labels with cosine scores, best first."""
        import numpy as np

        if not phrases:
            return []
        q = self._vec.transform([p.lower() for p in phrases])
        scores = (q @ self._matrix.T).toarray()
        if self._emb is not None:
            qe = _embed(list(phrases))
            if qe is not None:
                scores = scores + 2.0 * (qe @ self._emb.T)  # both parts on a 0..2 scale
        out: list[list[tuple[str, float]]] = []
        for row in scores:
            top = (
                np.argpartition(-row, min(k, len(row) - 1))[:k]
                if len(row) > k
                else np.arange(len(row))
            )
            top = top[np.argsort(-row[top])]
            out.append([(self.labels[i], float(row[i])) for i in top if row[i] > 0])
        return out


class MissingModel(LookupError):
    def __init__(self, what: str) -> None:
        super().__init__(f"{what} is not installed")


def _embed(texts: list[str]) -> Any:
    """Unit-length static embeddings, or None when the packaged model is unavailable."""
    try:
        from socialproof.community.themes import embed
    except ImportError:
        return None
    try:
        return embed(texts)
    except Exception:  # a missing or broken model file: fall back to TF-IDF only
        return None


@cache
def esco_linker() -> EscoLinker:
    return EscoLinker()
