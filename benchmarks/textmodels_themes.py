"""Theme discovery: NMI/ARI on CLINC150 (true k and auto k), embedding and clustering speed.

NEEDS ../shared/data/themes. Run: .venv/bin/python -m benchmarks.textmodels_themes
The 100,000-message timing uses CLINC150 utterances varied at random (dropped and repeated
words, greetings, punctuation), wall clock on the shared 2-core machine.
"""

from __future__ import annotations

from benchmarks._textmodels_common import SHARED, cpu_rate, need, single_thread

single_thread()

import time  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score  # noqa: E402

from socialproof.community import themes  # noqa: E402

OPENERS = ["", "", "", "hi ", "hey ", "please ", "quick question: ", "hello, ", "um ", "ok so "]
CLOSERS = ["", "", "", "?", "!", " thanks", " please", " asap", " :)", "..."]


def varied(texts: list[str], n: int, seed: int = 0) -> list[str]:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        words = texts[i % len(texts)].split()
        keep = [w for w in words if rng.random() > 0.15] or words
        if len(keep) > 2 and rng.random() < 0.3:
            j = int(rng.integers(len(keep)))
            keep.insert(j, keep[j])
        out.append(
            OPENERS[int(rng.integers(len(OPENERS)))]
            + " ".join(keep)
            + CLOSERS[int(rng.integers(len(CLOSERS)))]
        )
    return out


def main() -> None:
    df = pd.read_csv(need(SHARED / "themes" / "clinc150_test_inscope.csv"))
    texts = df["text"].astype(str).tolist()
    truth = pd.factorize(df["intent"])[0]
    themes.embed(texts[:10])
    cpu, wall = cpu_rate(lambda: themes.embed(texts), len(texts))
    print(f"embedding: {cpu:,.0f} texts/CPU-s on one core ({wall:,.0f} wall)")
    for k in (150, "auto"):
        t0 = time.perf_counter()
        result = themes.cluster(texts, k=k)
        dt = time.perf_counter() - t0
        nmi = normalized_mutual_info_score(truth, result.assignments)
        ari = adjusted_rand_score(truth, result.assignments)
        print(
            f"CLINC150 test (4,500 texts, 150 intents), k={k}: found {result.k} themes, "
            f"NMI {nmi:.4f}, ARI {ari:.4f}, {dt:.1f} s"
        )
    big = varied(texts, 100_000)
    t0 = time.perf_counter()
    c0 = time.process_time()
    result = themes.cluster(big, k="auto")
    print(
        f"100,000 messages, k=auto: {result.k} themes in {time.perf_counter() - t0:.1f} s wall "
        f"({time.process_time() - c0:.1f} CPU-s)"
    )


if __name__ == "__main__":
    main()
