"""The geometry of the themes: unit rows, the Ward tree and its cut, spherical k-means.

:func:`ward_tree` builds the Ward tree of a sample of unit rows and :func:`cut_tree`
cuts it into k themes; :func:`spherical_kmeans` moves every text to its nearest
centroid by cosine, from the Ward centroids and the seed themes' anchors
(:func:`seed_anchors`), holding seed themes back towards their examples.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


def normalise(x: np.ndarray) -> np.ndarray:
    import numpy as np

    norms = np.linalg.norm(x, axis=1, keepdims=True)
    out: np.ndarray = x / np.maximum(norms, 1e-9)
    return out


def ward_tree(x: np.ndarray) -> np.ndarray:
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


def cut_tree(tree: np.ndarray, k: int) -> np.ndarray:
    from scipy.cluster.hierarchy import fcluster

    labels: np.ndarray = fcluster(tree, t=k, criterion="maxclust") - 1
    return labels


def spherical_kmeans(
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

    c = normalise(centroids)
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
                sums[len(c) - fixed :] = normalise(sums[len(c) - fixed :]) + pull * base
        c = normalise(sums)
    return labels


def seed_anchors(
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
            centre = normalise(rows[mine].mean(axis=0, keepdims=True))[0]
        elif x is not None and matched is not None and bool((matched == j).any()):
            centre = normalise(x[matched == j].mean(axis=0, keepdims=True))[0]
        else:
            continue
        out.append(np.concatenate([[float(j)], centre]))
    return np.array(out, dtype=np.float32).reshape(len(out), width + 1)
