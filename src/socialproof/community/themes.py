"""Recurring conversation themes, found without labels, and where each should go.

Embeddings: a static (model2vec) model distilled offline from all-MiniLM-L6-v2
(``scripts/distill_embeddings.py``; ``data/models/minilm_static``): a text is
the normalised mean of its token vectors, ~tens of thousands of texts a second
on one core, no torch.

Clustering (``cluster``):

0. what is not content is removed first (:func:`content`): @handles, links,
   e-mail addresses, order and ticket numbers, codes with digits, and brand
   names as plain words (the names of handles the batch addresses often, and the
   workspace's own handles: "united" in "@united United lost my bag");
   otherwise customer-care themes follow the brand each message addresses;
1. embed, centre on the batch mean and remove the batch's top principal
   direction (what every message shares: "all but the top"), re-normalise;
   next to it, the batch's own words (TF-IDF reduced to at most
   :data:`LSA_DIMS` directions, the main ways its wording varies), so themes
   follow the words that set messages apart in *this* batch ("lost", "bag")
   as well as their meaning;
2. Ward agglomerative clustering on a sample (at most ``sample_size`` texts);
   with ``k="auto"`` the tree is cut at the number of themes with the best
   cosine silhouette over a range of candidates;
3. spherical k-means over every text, started from the Ward centroids;
4. each theme gets a label from class-based TF-IDF (c-TF-IDF) over words and
   two-word phrases of the messages themselves ("lost luggage", "late
   flight"), its most central messages and its size; themes are numbered by
   size (0 is the largest). Empty texts get theme ``-1``.

Seed themes (``seeds``, from a workspace's ``community/themes.yaml``: a name
and example phrases per theme) are a team's known topics: a message that
contains an example phrase, or whose embedding is close to one
(:data:`SEED_SIMILARITY`), joins that theme, labelled with its name, and stays
there. Each seed is also a centroid of step 3: it starts at the mean of its
examples in the same feature space and then moves with the messages it takes
(those that say its phrases and those nearer to it than to any other theme),
held back towards its examples by :data:`SEED_PULL`: a seed written from a
team's words ("rude agent") finds how *this* batch says it ("on hold for an
hour"). The rest is discovered as above (``k`` counts the discovered themes only).

Routing (``route``): each theme goes to support, PR or product (or "review")
from editable keyword rules: packaged ``data/community/routing.yaml``,
replaced by a workspace's ``routing.yaml``.
"""

from __future__ import annotations

import functools
import html
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from socialproof.community import _text
from socialproof.community._text import embed as embed  # public here too (themes.embed)
from socialproof.errors import BadInput, FileMissing, UsageError

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    import numpy as np

ROUTING_FILE = "routing.yaml"
SEEDS_FILE = "community/themes.yaml"
MAX_K = 400
# directions of the words block: 30 chosen on the airline tuning pool and dev (mean over
# cluster seeds 0-2: pool NMI 0.237, dev 0.264 against 0.213 / 0.247 with 100; 15, 20,
# 50, 70 and 200 measured too) under CLINC150 >= 0.85 (0.854; 20 gave 0.850, 15 0.848)
LSA_DIMS = 30
# the words block next to the (unit) embedding block, chosen on the airline tuning pool
# (train+dev negatives) under CLINC150 >= 0.85: 1.0 gave airline 0.25 but CLINC150 0.79
LSA_WEIGHT = 0.5
BRAND_CLEAN = True
SEED_SIMILARITY = 0.75  # cosine to a seed example that makes a message join that seed
# weight of a seed's examples in its centroid as it moves (inf: a fixed anchor), chosen on
# the airline tuning pool and dev with the nine reason seeds, k=2 discovered, means over
# cluster seeds 0-2: inf 0.203 / 0.208, 3 0.223 / 0.239, 1 0.234 / 0.265, 0.5 0.240 / 0.268,
# 0.3 0.242 / 0.273, 0.2 0.242 / 0.270, 0.1 0.241 / 0.266, 0 0.242 / 0.260
SEED_PULL = 0.3
_AUTO_MIN_K = 8  # k=auto considers at least this many themes on batches of 400+ texts
ABTT_DIRECTIONS = 1  # top principal directions removed from the embeddings (batches of 500+)
_ABTT_MIN = 500  # below this many texts the top direction is the topic itself: keep it
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


@dataclass(frozen=True)
class Theme:
    """One theme: id (0 = largest), label, size, most central messages."""

    id: int
    label: str
    keywords: list[str]
    size: int
    representatives: list[str]
    destination: str = "review"
    route_reason: str = ""
    seeded: bool = False


@dataclass(frozen=True)
class Seed:
    """A known theme: its name and phrases that say it ("lost luggage": "bag never arrived")."""

    name: str
    examples: tuple[str, ...]


@dataclass
class Themes:
    """Clustering result: ``assignments[i]`` is the theme id of text i (``-1`` for empty)."""

    assignments: list[int]
    themes: list[Theme]
    k: int
    k_chosen: Literal["auto", "given"]
    silhouette: float | None = None
    notes: list[str] = field(default_factory=list)

    def label_of(self, theme_id: int) -> str:
        if theme_id < 0:
            return "(no text)"
        return self.themes[theme_id].label


# ----------------------------------------------------------------- embeddings


# embed() (imported above) lives in _text, so the text models use it without importing themes.


# ----------------------------------------------------------------- clustering


def _normalise(x: np.ndarray) -> np.ndarray:
    import numpy as np

    norms = np.linalg.norm(x, axis=1, keepdims=True)
    out: np.ndarray = x / np.maximum(norms, 1e-9)
    return out


def _prepare(e: np.ndarray, sample: np.ndarray, extra: np.ndarray | None = None) -> np.ndarray:
    """Centre and drop the top principal direction (estimated on the sample).

    What nearly every message shares (greetings, "my", question form) dominates
    the first direction of a large batch; removing it sharpens the themes. On
    a small batch that direction is the main topic split, so it is kept.
    """
    import numpy as np

    mean = e[sample].mean(axis=0)
    centred = e[sample] - mean
    rows = e if extra is None else np.vstack([e, extra])
    if len(sample) >= _ABTT_MIN:
        _, vectors = np.linalg.eigh(centred.T @ centred)
        top = vectors[:, -ABTT_DIRECTIONS:].T  # the directions of largest variance
        x = rows - mean
        x -= (x @ top.T) @ top
    else:
        x = rows - mean
    return _normalise(x).astype(np.float32)


def _ward(x: np.ndarray) -> np.ndarray:
    """Ward tree over unit vectors (Euclidean distances from one matrix product)."""
    import numpy as np
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    d = x @ x.T
    sq = np.diag(d).copy()
    d *= -2.0
    d += sq[:, None]
    d += sq[None, :]
    np.clip(d, 0.0, None, out=d)
    np.sqrt(d, out=d)
    np.fill_diagonal(d, 0.0)
    condensed = squareform(d, checks=False).astype(np.float64)
    result: np.ndarray = linkage(condensed, method="ward")
    return result


def _cut(tree: np.ndarray, k: int) -> np.ndarray:
    from scipy.cluster.hierarchy import fcluster

    labels: np.ndarray = fcluster(tree, t=k, criterion="maxclust") - 1
    return labels


def _auto_k(x: np.ndarray, tree: np.ndarray, k_max: int) -> tuple[int, float]:
    """The cut of the Ward tree with the best cosine silhouette, over a log-spaced range.

    The range stops at about twice the square root of the sample size (and at
    ``k_max``): on short messages the silhouette keeps creeping up with k, and
    a few dozen themes is what a person can read.
    """
    import numpy as np
    from sklearn.metrics import silhouette_score

    n = len(x)
    hi = max(2, min(k_max, n // 3, round(2 * math.sqrt(n)), MAX_K))
    if n < 6:
        return min(2, n), float("nan")
    lo = min(_AUTO_MIN_K, hi) if n >= 400 else 2  # on a real batch, 2 themes tell nothing
    candidates = sorted({int(round(v)) for v in np.geomspace(lo, hi, num=min(14, hi - 1))})
    dist = np.clip(1.0 - x @ x.T, 0.0, 2.0)
    np.fill_diagonal(dist, 0.0)
    best = (candidates[0], -2.0)
    for k in candidates:
        labels = _cut(tree, k)
        if len(set(labels.tolist())) < 2:
            continue
        score = float(silhouette_score(dist, labels, metric="precomputed"))
        if score > best[1]:
            best = (k, score)
    return best


def _kmeans(
    x: np.ndarray,
    centroids: np.ndarray,
    iterations: int = 10,
    fixed: int = 0,
    pinned: np.ndarray | None = None,
    pull: float = math.inf,
) -> np.ndarray:
    """Spherical k-means (cosine) from given centroids; returns assignments.

    The last ``fixed`` centroids are seed themes. With ``pull`` infinite they are anchors
    (texts join them, they do not move); otherwise each moves to the mean direction of its
    texts plus ``pull`` times its starting point. ``pinned[i] >= 0`` keeps text i in that
    centroid (a text that says a seed's phrase).
    """
    import numpy as np
    import scipy.sparse as sp

    c = _normalise(centroids)
    base = c[len(c) - fixed :].copy()
    pin = np.flatnonzero(pinned >= 0) if pinned is not None else np.zeros(0, dtype=np.int64)
    labels = np.zeros(len(x), dtype=np.int64)
    chunk = 20_000
    for it in range(iterations):
        new = np.empty(len(x), dtype=np.int64)
        for start in range(0, len(x), chunk):
            new[start : start + chunk] = (x[start : start + chunk] @ c.T).argmax(axis=1)
        if len(pin) and pinned is not None:
            new[pin] = pinned[pin]
        changed = int(np.count_nonzero(new != labels)) if it > 0 else len(x)
        labels = new
        if changed <= len(x) // 1000:  # (nearly) converged
            break
        members = sp.csr_matrix(
            (np.ones(len(x), dtype=np.float32), (labels, np.arange(len(x)))),
            shape=(len(c), len(x)),
        )
        sums = np.asarray(members @ x)
        empty = ~sums.any(axis=1)
        sums[empty] = c[empty]  # keep an emptied centroid where it was
        if fixed:
            if math.isinf(pull):
                sums[len(c) - fixed :] = base
            else:
                sums[len(c) - fixed :] = _normalise(sums[len(c) - fixed :]) + pull * base
        c = _normalise(sums)
    return labels


def _words_block(
    docs: list[str], sample: np.ndarray, seed: int, extra: Sequence[str] = ()
) -> np.ndarray | None:
    """Unit rows of the batch's TF-IDF reduced to at most LSA_DIMS directions (or None)."""
    import numpy as np
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(analyzer=_theme_words, min_df=2, sublinear_tf=True, dtype=np.float32)
    try:
        fitted = vec.fit_transform([docs[i] for i in sample])
    except ValueError:  # no word occurs twice
        return None
    dims = min(LSA_DIMS, fitted.shape[1] - 1, len(sample) - 1)
    if dims < 2:
        return None
    svd = TruncatedSVD(n_components=dims, random_state=seed).fit(fitted)
    z: np.ndarray = svd.transform(vec.transform([*docs, *extra])).astype(np.float32)
    return _normalise(z)


def _features(
    e: np.ndarray,
    docs: list[str],
    sample: np.ndarray,
    seed: int,
    extra_e: np.ndarray | None = None,
    extra_docs: Sequence[str] = (),
) -> np.ndarray:
    """Prepared embeddings next to the batch's own words, as unit rows (the rows of
    ``extra_e``/``extra_docs``, e.g. seed examples, follow, transformed the same way)."""
    import numpy as np

    x = _prepare(e, sample, extra_e)
    words = _words_block(docs, sample, seed, extra_docs) if len(sample) >= 20 else None
    if words is None:
        return x
    return _normalise(np.hstack([x, words * LSA_WEIGHT])).astype(np.float32)


def _anchors(
    rows: np.ndarray,
    owners: list[int],
    n_seeds: int,
    x: np.ndarray | None = None,
    matched: np.ndarray | None = None,
) -> np.ndarray:
    """One anchor per seed: ``[seed index, unit mean of its example rows...]``; a seed whose
    examples are all brand names starts from the texts that ``matched`` it in ``x``."""
    import numpy as np

    width = rows.shape[1]
    out = []
    for j in range(n_seeds):
        mine = [i for i, o in enumerate(owners) if o == j]
        if mine and rows.shape[0]:
            centre = _normalise(rows[mine].mean(axis=0, keepdims=True))[0]
        elif x is not None and matched is not None and bool((matched == j).any()):
            centre = _normalise(x[matched == j].mean(axis=0, keepdims=True))[0]
        else:
            continue
        out.append(np.concatenate([[float(j)], centre]))
    return np.array(out, dtype=np.float32).reshape(len(out), width + 1)


def _seed_examples(seeds: Sequence[Seed], brands: frozenset[str]) -> list[tuple[int, str]]:
    """(seed index, cleaned example) of every usable seed example."""
    out = []
    for j, seed_ in enumerate(seeds):
        for example in seed_.examples:
            text = content(example, brands)
            if text:
                out.append((j, text))
    return out


def _seed_matches(docs: list[str], e: np.ndarray, seeds: Sequence[Seed]) -> np.ndarray:
    """Index of the seed each text joins, or -1: an example phrase in the text, or an
    embedding within SEED_SIMILARITY of one (the closest seed wins)."""
    import numpy as np

    best = np.full(len(docs), -1, dtype=np.int64)
    if not seeds or not len(docs):
        return best
    score = np.full(len(docs), -np.inf, dtype=np.float32)
    lowered = [" " + " ".join(_theme_tokens(d)) + " " for d in docs]
    for j, seed in enumerate(seeds):
        examples = [content(x) for x in seed.examples if content(x)]
        if not examples:
            continue
        sim = (e @ embed(examples).T).max(axis=1)
        phrases = [" " + " ".join(_theme_tokens(x)) + " " for x in examples]
        hit = np.array([any(p.strip() and p in low for p in phrases) for low in lowered])
        sim = np.where(hit, 2.0, sim).astype(np.float32)
        take = (sim >= SEED_SIMILARITY) & (sim > score)
        best[take] = j
        score[take] = sim[take]
    return best


def cluster(
    texts: Sequence[str],
    k: int | Literal["auto"] | str = "auto",
    *,
    sample_size: int = 4000,
    max_k: int = 200,
    seed: int = 0,
    n_representatives: int = 3,
    routing: Routing | None = None,
    seeds: Sequence[Seed] = (),
    brands: Sequence[str] = (),
    embedder: Callable[[list[str]], np.ndarray] | None = None,
) -> Themes:
    """Group texts into themes. ``k`` is a number of themes or ``"auto"`` (seeds excluded).

    ``embedder``: computes :func:`embed` of the cleaned texts elsewhere (the Spark
    executors, ``community/executors.py``); the same vectors, so the same themes.

    ``brands``: the workspace's own handles; their names are not content (nor are the
    names of handles the batch addresses often, see :func:`brand_names`).
    """
    import numpy as np

    batch = _text.as_texts(texts)
    k_value = _parse_k(k)
    known = brand_names(batch, brands) if BRAND_CLEAN else frozenset()
    docs_all = [content(t, known) for t in batch]
    keep = np.array([bool(d.strip()) for d in docs_all], dtype=bool)
    idx = np.flatnonzero(keep)
    notes: list[str] = []
    if len(idx) == 0:
        return Themes(
            [-1] * len(batch),
            [],
            0,
            "auto" if k_value is None else "given",
            notes=["no texts to cluster"],
        )
    docs = [docs_all[i] for i in idx]
    e = (embedder or embed)(docs)
    zero = np.linalg.norm(e, axis=1) == 0  # nothing the model knows (e.g. unknown script)
    seeded = _seed_matches(docs, e, seeds)
    free = np.flatnonzero(seeded < 0)
    n = len(free)
    labels = np.full(len(docs), -1, dtype=np.int64)
    sil: float | None = None
    found = 0
    rng = np.random.default_rng(seed)
    # the features of every text (the words block and the top direction are fitted on a
    # sample of the whole batch); without seeds every text is free
    sample_all = np.sort(rng.choice(len(docs), size=min(len(docs), sample_size), replace=False))
    examples = _seed_examples(seeds, known)
    ex_docs = [t for _, t in examples]
    feats = _features(e, docs, sample_all, seed, embed(ex_docs) if ex_docs else None, ex_docs)
    x_all = feats[: len(docs)]
    x_all[zero] = 0.0
    anchors = _anchors(feats[len(docs) :], [j for j, _ in examples], len(seeds), x_all, seeded)
    if n:
        x = x_all[free]
        # the discovered themes start from a Ward tree over the free texts of the sample
        sample = np.searchsorted(free, sample_all[seeded[sample_all] < 0])
        if n == 1 and not len(anchors):
            free_labels = np.zeros(1, dtype=np.int64)
        else:
            if not len(sample):
                sample = np.arange(min(n, sample_size))
            tree = _ward(x[sample]) if len(sample) > 1 else np.zeros((0, 4))
            if len(sample) == 1:
                chosen = 1
            elif k_value is None:
                chosen, sil_value = _auto_k(x[sample], tree, max_k)
                sil = None if math.isnan(sil_value) else round(sil_value, 4)
            else:
                chosen = min(k_value, n)
                if k_value > n:
                    notes.append(f"asked for {k_value} themes but there are only {n} texts")
            chosen = max(1, min(chosen, len(sample)))
            sample_labels = (
                _cut(tree, chosen) if chosen > 1 else np.zeros(len(sample), dtype=np.int64)
            )
            n_found = int(sample_labels.max()) + 1
            centroids = np.stack(
                [x[sample][sample_labels == c].mean(axis=0) for c in range(n_found)]
            )
            if len(anchors):  # seed themes compete with the themes found for the rest
                row_of = {int(j): r for r, j in enumerate(anchors[:, 0])}
                pinned = np.array(
                    [n_found + row_of.get(int(j), -n_found - 1) if j >= 0 else -1 for j in seeded]
                )
                got = _kmeans(
                    x_all,
                    np.vstack([centroids, anchors[:, 1:]]),
                    fixed=len(anchors),
                    pinned=pinned,
                    pull=SEED_PULL,
                )[free]
                joined = got >= n_found
                seeded[free[joined]] = anchors[got[joined] - n_found, 0].astype(np.int64)
                free_labels = np.where(joined, -1, got)
            elif n_found > 1:
                free_labels = _kmeans(x, centroids)
            else:
                free_labels = np.zeros(n, dtype=np.int64)
        found = int(free_labels.max()) + 1
        labels[free] = free_labels
    # seeded texts: themes found + seed index; their centre is in embedding space
    seed_ids = {j: found + j for j in sorted(set(seeded[seeded >= 0].tolist()))}
    for j, tid in seed_ids.items():
        labels[seeded == j] = tid
    total = found + len(seeds)

    # number themes by size
    sizes = np.bincount(labels[labels >= 0], minlength=total)
    order = [int(c) for c in np.argsort(-sizes, kind="stable") if sizes[c] > 0]
    remap = {old: new for new, old in enumerate(order)}
    labels = np.array([remap[int(v)] for v in labels], dtype=np.int64)
    keywords, counts = _c_tf_idf(docs, labels.tolist(), len(order))
    themes: list[Theme] = []
    for t, old in enumerate(order):
        members = np.flatnonzero(labels == t)
        is_seed = old >= found
        space = e if is_seed else x_all
        centre = _normalise(space[members].mean(axis=0, keepdims=True))[0]
        closeness = space[members] @ centre
        reps: list[str] = []
        seen: set[str] = set()
        for j in members[np.argsort(-closeness, kind="stable")]:
            text = _text.clean(batch[idx[j]])
            key = text.lower()
            if key in seen:
                continue
            seen.add(key)
            reps.append(text[:280])
            if len(reps) >= n_representatives:
                break
        words = keywords[t]
        if is_seed:
            label = seeds[old - found].name
        else:
            label = (
                _reply_label([docs[j] for j in members], counts[t])
                or _label(words, counts[t])
                or reps[0][:40]
            )
        theme = Theme(t, label, words, int(len(members)), reps, seeded=is_seed)
        if routing is not None:
            dest, why = routing.route(theme)
            theme = Theme(t, label, words, int(len(members)), reps, dest, why, is_seed)
        themes.append(theme)
    n_free = sum(not th.seeded for th in themes)
    if k_value is not None and n and n_free < min(k_value, n):
        notes.append(
            f"asked for {k_value} themes but the texts only form {n_free} distinct group(s)"
        )
    assignments = [-1] * len(batch)
    for pos, i in enumerate(idx.tolist()):
        assignments[i] = int(labels[pos])
    return Themes(
        assignments,
        themes,
        len(themes),
        "auto" if k_value is None else "given",
        silhouette=sil,
        notes=notes,
    )


def _parse_k(k: int | str) -> int | None:
    if isinstance(k, str):
        if k.strip().lower() == "auto":
            return None
        try:
            k = int(k)
        except ValueError:
            raise UsageError(
                f"--k must be 'auto' or a whole number, not {k!r}.",
                hint="For example --k auto or --k 12.",
            ) from None
    if isinstance(k, bool) or k < 1 or k > MAX_K:
        raise UsageError(
            f"The number of themes must be from 1 to {MAX_K}, not {k}.",
            hint="Use --k auto to let socialproof choose.",
        )
    return int(k)


def _theme_tokens(text: str) -> list[str]:
    """Lowercase words of a text in order, negation marks dropped, hashtags left out."""
    out = []
    for tok in _text.tokens(text):
        word = tok[:-4] if tok.endswith("_neg") else tok
        if not word.startswith("#"):
            out.append(word)
    return out


def _is_content_word(word: str) -> bool:
    return len(word) > 2 and word not in _STOPWORDS and _WORD.match(word) is not None


def _theme_words(text: str) -> list[str]:
    return [w for w in _theme_tokens(text) if _is_content_word(w)]


def _theme_terms(text: str) -> set[str]:
    """Content words and two-word phrases of content words ("lost luggage")."""
    toks = _theme_tokens(text)
    ok = [_is_content_word(w) for w in toks]
    terms = {w for w, good in zip(toks, ok, strict=True) if good}
    for i in range(len(toks) - 1):
        if ok[i] and ok[i + 1] and toks[i] != toks[i + 1]:
            terms.add(f"{toks[i]} {toks[i + 1]}")
    return terms


def _label(terms: list[str], counts: Mapping[str, int] | None = None) -> str:
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


def _reply_label(member_docs: Sequence[str], counts: Mapping[str, int]) -> str:
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
    toks = _theme_tokens(text)
    ok = [_label_word(w) for w in toks]
    terms = {w for w, good in zip(toks, ok, strict=True) if good}
    for i in range(len(toks) - 1):
        if ok[i] and ok[i + 1] and toks[i] != toks[i + 1] and toks[i + 1] not in _BAD_END:
            terms.add(f"{toks[i]} {toks[i + 1]}")
    return terms


@functools.lru_cache(maxsize=100_000)
def _label_word(word: str) -> bool:
    return _is_content_word(word) and word not in _FILLER and not _elongated(word)


def c_tf_idf(texts: Sequence[str], labels: Sequence[int], k: int, top: int = 5) -> list[list[str]]:
    """Top words and two-word phrases per class by class-based TF-IDF (BERTopic's c-TF-IDF).

    A term counts once per message; a term in fewer than 2 messages of a class (or 5 %
    of it, for large classes) is not a label candidate there; fillers ("thanks", "guys")
    never are.
    """
    return _c_tf_idf(texts, labels, k, top)[0]


def _c_tf_idf(
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


# ------------------------------------------------------------------- routing


@dataclass(frozen=True)
class Rule:
    destination: str
    keywords: tuple[str, ...]
    why: str


@dataclass(frozen=True)
class Routing:
    """Keyword rules: the destination whose keywords a theme matches most wins."""

    rules: tuple[Rule, ...]
    default: str = "review"
    source: str = "packaged defaults"

    def route(self, theme: Theme) -> tuple[str, str]:
        words = set(theme.keywords)
        text = " ".join(theme.representatives + [theme.label]).lower()
        tokens = set(_theme_words(text)) | words
        best: tuple[int, str, list[str], str] = (0, self.default, [], "")
        for rule in self.rules:
            hits = [kw for kw in rule.keywords if (kw in tokens if " " not in kw else kw in text)]
            score = sum(2 if kw in words else 1 for kw in hits)
            if score > best[0]:
                best = (score, rule.destination, hits, rule.why)
        if best[0] == 0:
            return self.default, "no routing rule matched"
        return best[1], f"{best[3]}: " + ", ".join(best[2][:4])


def _routing_defaults() -> dict[str, Any]:
    import yaml

    text = (resources.files("socialproof") / "data" / "community" / "routing.yaml").read_text(
        encoding="utf-8"
    )
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def routing(source: Path | Mapping[str, Any] | None = None) -> Routing:
    """Packaged routing rules, or a workspace/custom file that replaces them."""
    import yaml

    label = "packaged defaults"
    if isinstance(source, Path):
        try:
            data = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
        except FileNotFoundError as exc:
            raise FileMissing(f"Routing rules {source} not found.", hint="Check the path.") from exc
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise BadInput(
                f"{source} is not valid YAML: {str(exc).splitlines()[0]}",
                hint="Fix it, or delete it to use the packaged rules.",
            ) from exc
        label = str(source)
    elif source is not None:
        data = dict(source)
        label = "custom rules"
    else:
        data = _routing_defaults()
    if not isinstance(data, dict) or not isinstance(data.get("destinations"), dict):
        raise BadInput(
            f"Routing rules ({label}) need a 'destinations' mapping "
            "(destination: {keywords: [...], why: ...}).",
            hint="Start from the packaged socialproof/data/community/routing.yaml.",
        )
    rules = []
    for dest, spec in data["destinations"].items():
        if not isinstance(spec, dict) or not isinstance(spec.get("keywords"), list):
            raise BadInput(
                f"Routing destination {dest!r} needs a 'keywords' list.", hint="Fix routing.yaml."
            )
        kws = tuple(str(k).strip().lower() for k in spec["keywords"] if str(k).strip())
        rules.append(Rule(str(dest), kws, str(spec.get("why", dest))))
    return Routing(tuple(rules), str(data.get("default", "review")), label)


def workspace_routing(root: Path) -> Routing:
    path = Path(root) / ROUTING_FILE
    return routing(path if path.exists() else None)


# --------------------------------------------------------------- seed themes


def seeds(source: Path | Mapping[str, Any] | None) -> tuple[Seed, ...]:
    """Seed themes from a YAML file or a mapping: ``themes: [{name, examples: [...]}, ...]``."""
    import yaml

    if source is None:
        return ()
    label = str(source) if isinstance(source, Path) else "seed themes"
    if isinstance(source, Path):
        try:
            data = yaml.safe_load(source.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise FileMissing(f"Seed themes {source} not found.", hint="Check the path.") from exc
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise BadInput(
                f"{source} is not valid YAML: {str(exc).splitlines()[0]}",
                hint="Fix it, or delete it to let socialproof find every theme itself.",
            ) from exc
    else:
        data = dict(source)
    if data is None:
        return ()
    example = "themes:\n  - name: lost luggage\n    examples: [bag never arrived]"
    items = data.get("themes") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise BadInput(
            f"{label} needs a 'themes' list of {{name, examples}} entries.",
            hint=f"For example: {example!r}.",
        )
    out: list[Seed] = []
    names: set[str] = set()
    for i, item in enumerate(items, 1):
        name = item.get("name") if isinstance(item, dict) else None
        examples = item.get("examples") if isinstance(item, dict) else None
        if not isinstance(name, str) or not name.strip():
            raise BadInput(f"{label}: theme {i} has no name.", hint=f"For example: {example!r}.")
        if (
            not isinstance(examples, list)
            or not examples
            or not all(isinstance(x, str) and x.strip() for x in examples)
        ):
            raise BadInput(
                f"{label}: theme {name!r} needs a list of example phrases.",
                hint=f"For example: {example!r}.",
            )
        if not any(content(x) for x in examples):
            raise BadInput(
                f"{label}: the examples of theme {name!r} are only handles, links or numbers.",
                hint="Give phrases a customer would write, e.g. 'my bag never arrived'.",
            )
        key = name.strip().lower()
        if key in names:
            raise BadInput(f"{label}: theme {name!r} is listed twice.", hint="Merge the entries.")
        names.add(key)
        out.append(Seed(name.strip(), tuple(x.strip() for x in examples)))
    return tuple(out)


def workspace_seeds(root: Path) -> tuple[Seed, ...]:
    """A workspace's seed themes (``community/themes.yaml``), or none."""
    path = Path(root) / SEEDS_FILE
    return seeds(path) if path.exists() else ()
