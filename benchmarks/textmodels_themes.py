"""Theme discovery: NMI/ARI on CLINC150 and on airline complaint reasons, speed.

NEEDS ../shared/data/themes and ../shared/data/sentiment.
Run: .venv/bin/python -m benchmarks.textmodels_themes [--speed | --no-speed]
Airline: the negative tweets of airline_tweets_10k.csv's *test* split (salted text hash,
benchmarks/_textmodels_common.split_of; settings chosen on the train+dev negatives with
scripts/tune_themes.py, subject to CLINC150 >= 0.85),
scored against the annotators' negative reasons, with the true number of reasons, k=auto,
and with seed themes named after the reasons (two or three phrases each, written from the
reason names, not from the data). Reference: TF-IDF K-means with @mentions stripped.
The 100,000-message timing uses CLINC150 utterances varied at random (dropped and repeated
words, greetings, punctuation), wall clock on the shared 2-core machine.
"""

from __future__ import annotations

from benchmarks._textmodels_common import (
    SHARED,
    airline_sentiment,
    cpu_rate,
    need,
    single_thread,
)

single_thread()

import argparse  # noqa: E402
import os  # noqa: E402
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


SEEDS = {
    "Customer Service Issue": ["customer service", "rude agent", "no one answers"],
    "Late Flight": ["late flight", "delayed again", "still waiting to take off"],
    "Cancelled Flight": ["cancelled flight", "flight was cancelled"],
    "Lost Luggage": ["lost luggage", "my bag never arrived"],
    "Bad Flight": ["bad flight", "uncomfortable seat", "no wifi"],
    "Flight Booking Problems": ["booking problem", "website error when booking"],
    "Flight Attendant Complaints": ["flight attendant was rude"],
    "longlines": ["long line", "waiting in line"],
    "Damaged Luggage": ["damaged bag", "broken suitcase"],
}


def airline() -> None:
    df = airline_sentiment(need(SHARED / "sentiment"))
    neg = df[(df["split"] == "test") & (df["label"] == "negative") & df["negativereason"].notna()]
    texts = neg["text"].astype(str).tolist()
    truth = pd.factorize(neg["negativereason"])[0]
    n_reasons = int(neg["negativereason"].nunique())
    print(f"airline complaints, test split: {len(texts)} tweets, {n_reasons} reasons")
    import re

    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    stripped = [re.sub(r"@\w+", " ", t) for t in texts]
    x = TfidfVectorizer(stop_words="english", min_df=2).fit_transform(stripped)
    ref = KMeans(n_reasons, n_init=10, random_state=0).fit_predict(x)
    print(
        f"  reference TF-IDF K-means, mentions stripped, k={n_reasons}: "
        f"NMI {normalized_mutual_info_score(truth, ref):.4f}, ARI {adjusted_rand_score(truth, ref):.4f}"
    )
    # the clustering is seeded (the sample, the LSA's randomised SVD): the mean over 5 seeds
    per_seed = [
        normalized_mutual_info_score(truth, themes.cluster(texts, k=n_reasons, seed=s).assignments)
        for s in range(5)
    ]
    print(
        f"  k={n_reasons}, seeds 0-4: NMI mean {np.mean(per_seed):.4f} "
        f"(min {min(per_seed):.4f}, max {max(per_seed):.4f})"
    )
    seeds = themes.seeds({"themes": [{"name": k, "examples": v} for k, v in SEEDS.items()]})
    per_seed = [
        normalized_mutual_info_score(
            truth, themes.cluster(texts, k=2, seeds=seeds, seed=s).assignments
        )
        for s in range(5)
    ]
    print(
        f"  k=2 + seeds for the 9 named reasons, seeds 0-4: NMI mean {np.mean(per_seed):.4f} "
        f"(min {min(per_seed):.4f}, max {max(per_seed):.4f})"
    )
    for k, use in ((n_reasons, ()), ("auto", ()), (2, seeds)):
        result = themes.cluster(texts, k=k, seeds=use)
        what = f"k={k}" + (" + seeds for the 9 named reasons" if use else "")
        nmi = normalized_mutual_info_score(truth, result.assignments)
        ari = adjusted_rand_score(truth, result.assignments)
        top = ", ".join(t.label for t in result.themes[:8])
        print(f"  {what}: {result.k} themes, NMI {nmi:.4f}, ARI {ari:.4f}; labels: {top}")


def speed(texts: list[str]) -> None:
    """CPU-s of the clustering at the report's sample (20,000) and at 100,000 messages."""
    for n in (20_000, 100_000):
        big = varied(texts, n)
        t0 = time.perf_counter()
        c0 = time.process_time()
        result = themes.cluster(big, k="auto")
        print(
            f"{n:,} messages, k=auto: {result.k} themes in {time.perf_counter() - t0:.1f} s wall "
            f"({time.process_time() - c0:.1f} CPU-s), load {os.getloadavg()[0]:.1f}",
            flush=True,
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--speed", action="store_true", help="only the speed figures")
    ap.add_argument("--no-speed", action="store_true", help="only the agreement figures")
    args = ap.parse_args()
    df = pd.read_csv(need(SHARED / "themes" / "clinc150_test_inscope.csv"))
    texts = df["text"].astype(str).tolist()
    truth = pd.factorize(df["intent"])[0]
    themes.embed(texts[:10])
    if args.speed:
        speed(texts)
        return
    airline()
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
    if not args.no_speed:
        speed(texts)


if __name__ == "__main__":
    main()
