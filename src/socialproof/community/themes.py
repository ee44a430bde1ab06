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

The steps live beside this module: ``theme_text.py`` (what of a message is content,
brand names, its words), ``theme_vectors.py`` (the Ward tree, its cut, spherical
k-means, the seeds' anchors), ``theme_labels.py`` (c-TF-IDF keywords and labels),
``theme_routing.py`` (routing rules) and ``theme_seeds.py`` (seed themes read from
YAML). This module keeps the tuned settings and :func:`cluster`, and every public
name stays importable from it (``__all__``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from socialproof.community import _text
from socialproof.community._text import embed as embed  # public here too (themes.embed)
from socialproof.community.theme_labels import (
    PHRASE_SHARE,
    c_tf_idf,
    c_tf_idf_counts,
    reply_label,
    theme_label,
)
from socialproof.community.theme_routing import (
    ROUTING_FILE,
    Routing,
    Rule,
    routing,
    workspace_routing,
)
from socialproof.community.theme_seeds import SEEDS_FILE, Seed, seeds, workspace_seeds
from socialproof.community.theme_text import (
    BRAND_SHARE,
    brand_names,
    content,
    theme_tokens,
    theme_words,
)
from socialproof.community.theme_vectors import (
    cut_tree,
    normalise,
    seed_anchors,
    spherical_kmeans,
    ward_tree,
)
from socialproof.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    import numpy as np

__all__ = [  # the themes' face; the names that moved out stay importable from here
    "ABTT_DIRECTIONS",
    "AUTO_MAX_K",
    "BRAND_CLEAN",
    "BRAND_SHARE",
    "LSA_DIMS",
    "LSA_WEIGHT",
    "MAX_K",
    "PHRASE_SHARE",
    "ROUTING_FILE",
    "SEEDS_FILE",
    "SEED_PULL",
    "SEED_SIMILARITY",
    "Routing",
    "Rule",
    "Seed",
    "Theme",
    "Themes",
    "brand_names",
    "c_tf_idf",
    "cluster",
    "content",
    "embed",
    "routing",
    "seeds",
    "workspace_routing",
    "workspace_seeds",
]

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
# k=auto finds at most this many themes, however many texts (a person reads a list of
# themes; 126 themes on 4,000 messages is a list nobody reads): half the square root of
# the number of texts, from _AUTO_MIN_K to AUTO_MAX_K (400 texts: 10; 3,600 and more: 30)
AUTO_MAX_K = 30
# with k=auto a discovered theme with fewer than this share of the texts (and at least 2)
# joins the nearest larger one
TINY_SHARE = 0.005
ABTT_DIRECTIONS = 1  # top principal directions removed from the embeddings (batches of 500+)
_ABTT_MIN = 500  # below this many texts the top direction is the topic itself: keep it


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
    return normalise(x).astype(np.float32)


def auto_limit(n: int) -> int:
    """The most themes ``k="auto"`` finds among ``n`` texts (see :data:`AUTO_MAX_K`)."""
    return max(_AUTO_MIN_K, min(AUTO_MAX_K, round(math.sqrt(max(n, 0)) / 2)))


def _merge_tiny(x: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, int, int]:
    """``labels`` (0..m-1, -1 for texts in other themes) with each theme smaller than
    :data:`TINY_SHARE` of the labelled texts (at least 2) joined to the theme of largest
    cosine between centroids among those kept, renumbered 0..; and (themes merged, the
    size under which a theme was tiny). Nothing changes when no theme would be kept."""
    import numpy as np

    mask = labels >= 0
    m = int(labels.max()) + 1 if mask.any() else 0
    floor = max(2, math.ceil(TINY_SHARE * int(mask.sum())))
    sizes = np.bincount(labels[mask], minlength=m)
    tiny = np.flatnonzero(sizes < floor)
    kept = np.flatnonzero(sizes >= floor)
    if not len(tiny) or not len(kept):
        return labels, 0, floor
    centres = normalise(np.stack([x[labels == c].mean(axis=0) for c in range(m)]))
    nearest = kept[np.argmax(centres[tiny] @ centres[kept].T, axis=1)]
    target = np.arange(m)
    target[tiny] = nearest
    renumber = np.full(m, -1)
    renumber[kept] = np.arange(len(kept))
    out = np.where(mask, renumber[target[np.where(mask, labels, 0)]], -1)
    return out.astype(np.int64), len(tiny), floor


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
        labels = cut_tree(tree, k)
        if len(set(labels.tolist())) < 2:
            continue
        score = float(silhouette_score(dist, labels, metric="precomputed"))
        if score > best[1]:
            best = (k, score)
    return best


def _words_block(
    docs: list[str], sample: np.ndarray, seed: int, extra: Sequence[str] = ()
) -> np.ndarray | None:
    """Unit rows of the batch's TF-IDF reduced to at most LSA_DIMS directions (or None)."""
    import numpy as np
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(analyzer=theme_words, min_df=2, sublinear_tf=True, dtype=np.float32)
    try:
        fitted = vec.fit_transform([docs[i] for i in sample])
    except ValueError:  # no word occurs twice
        return None
    dims = min(LSA_DIMS, fitted.shape[1] - 1, len(sample) - 1)
    if dims < 2:
        return None
    svd = TruncatedSVD(n_components=dims, random_state=seed).fit(fitted)
    z: np.ndarray = svd.transform(vec.transform([*docs, *extra])).astype(np.float32)
    return normalise(z)


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
    return normalise(np.hstack([x, words * LSA_WEIGHT])).astype(np.float32)


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
    lowered = [" " + " ".join(theme_tokens(d)) + " " for d in docs]
    for j, seed in enumerate(seeds):
        examples = [content(x) for x in seed.examples if content(x)]
        if not examples:
            continue
        sim = (e @ embed(examples).T).max(axis=1)
        phrases = [" " + " ".join(theme_tokens(x)) + " " for x in examples]
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
    anchors = seed_anchors(feats[len(docs) :], [j for j, _ in examples], len(seeds), x_all, seeded)
    if n:
        x = x_all[free]
        # the discovered themes start from a Ward tree over the free texts of the sample
        sample = np.searchsorted(free, sample_all[seeded[sample_all] < 0])
        if n == 1 and not len(anchors):
            free_labels = np.zeros(1, dtype=np.int64)
        else:
            if not len(sample):
                sample = np.arange(min(n, sample_size))
            tree = ward_tree(x[sample]) if len(sample) > 1 else np.zeros((0, 4))
            if len(sample) == 1:
                chosen = 1
            elif k_value is None:
                limit = min(max_k, auto_limit(n))
                chosen, sil_value = _auto_k(x[sample], tree, limit)
                sil = None if math.isnan(sil_value) else round(sil_value, 4)
                notes.append(
                    f"k=auto chose {chosen} themes, the cut with the best silhouette among "
                    f"up to {limit} (at most {AUTO_MAX_K}, fewer for fewer texts: a number "
                    f"a person can read); pass k to ask for another number"
                )
            else:
                chosen = min(k_value, n)
                if k_value > n:
                    notes.append(f"asked for {k_value} themes but there are only {n} texts")
            chosen = max(1, min(chosen, len(sample)))
            sample_labels = (
                cut_tree(tree, chosen) if chosen > 1 else np.zeros(len(sample), dtype=np.int64)
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
                got = spherical_kmeans(
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
                free_labels = spherical_kmeans(x, centroids)
            else:
                free_labels = np.zeros(n, dtype=np.int64)
            if k_value is None:
                free_labels, merged, floor = _merge_tiny(x, free_labels)
                if merged:
                    notes.append(
                        f"{merged} theme(s) of fewer than {floor} messages were merged into "
                        "their nearest theme"
                    )
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
    keywords, counts = c_tf_idf_counts(docs, labels.tolist(), len(order))
    themes: list[Theme] = []
    for t, old in enumerate(order):
        members = np.flatnonzero(labels == t)
        is_seed = old >= found
        space = e if is_seed else x_all
        centre = normalise(space[members].mean(axis=0, keepdims=True))[0]
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
                reply_label([docs[j] for j in members], counts[t])
                or theme_label(words, counts[t])
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
