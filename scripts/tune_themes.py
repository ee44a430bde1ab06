"""Tune the themes clustering on airline complaint reasons (issue 12), never on test.

NEEDS ../shared/data/sentiment (airline_tweets_10k.csv, CC BY-NC-SA: read here, never
shipped). The split is the fixed salted-hash one of benchmarks/_textmodels_common.
Choices are made on the *tuning pool*: the train+dev negative tweets with a reason,
cut into 8 batches of ~700 (the size of the test split, so the clustering sees what it
sees there), NMI and ARI averaged; the dev split alone is printed beside it. The test
split is reported by benchmarks/textmodels_themes.py only. Deterministic (seeded).

    .venv/bin/python scripts/tune_themes.py --lsa-weight 0.5 1.0 --abtt 1 2 --lsa-dims 50 100 --seeds 3
    .venv/bin/python scripts/tune_themes.py --with-seeds --seed-pull inf 1 0.3 0 --seeds 3
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._textmodels_common import SHARED, airline_sentiment, need  # noqa: E402


def main() -> None:
    import numpy as np
    import pandas as pd
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from socialproof.community import themes

    ap = argparse.ArgumentParser()
    ap.add_argument("--lsa-weight", type=float, nargs="+", default=[themes.LSA_WEIGHT])
    ap.add_argument("--abtt", type=int, nargs="+", default=[themes.ABTT_DIRECTIONS])
    ap.add_argument("--lsa-dims", type=int, nargs="+", default=[themes.LSA_DIMS])
    ap.add_argument("--seeds", type=int, default=1, help="mean over cluster seeds 0..N-1")
    ap.add_argument("--no-brands", action="store_true", help="also try without brand cleaning")
    ap.add_argument(
        "--with-seeds",
        action="store_true",
        help="with the benchmark's nine reason seeds and --seed-k discovered themes",
    )
    ap.add_argument("--seed-k", type=int, default=2, help="discovered themes beside the seeds")
    ap.add_argument("--seed-pull", type=float, nargs="+", default=[themes.SEED_PULL])
    ap.add_argument("--seed-similarity", type=float, nargs="+", default=[themes.SEED_SIMILARITY])
    args = ap.parse_args()
    df = airline_sentiment(need(SHARED / "sentiment"))
    neg = df[(df["label"] == "negative") & df["negativereason"].notna()]
    pool = neg[neg["split"] != "test"].reset_index(drop=True)
    dev = neg[neg["split"] == "dev"]
    perm = np.random.default_rng(0).permutation(len(pool))
    batches = [pool.iloc[perm[i::8]] for i in range(8)]
    print(f"tuning pool {len(pool)} tweets in 8 batches; dev {len(dev)}")
    from benchmarks.textmodels_themes import SEEDS

    seeds = themes.seeds({"themes": [{"name": n, "examples": x} for n, x in SEEDS.items()]})
    grid = itertools.product(
        (True, False) if args.no_brands else (True,),
        args.lsa_weight,
        args.abtt,
        args.lsa_dims,
        args.seed_pull,
        args.seed_similarity,
    )
    for brands, weight, abtt, dims, pull, similarity in grid:
        themes.BRAND_CLEAN, themes.LSA_WEIGHT = brands, weight
        themes.ABTT_DIRECTIONS, themes.LSA_DIMS = abtt, dims
        themes.SEED_PULL, themes.SEED_SIMILARITY = pull, similarity
        nmi, ari = np.zeros((args.seeds, 9)), np.zeros((args.seeds, 9))
        for s in range(args.seeds):
            for i, part in enumerate([*batches, dev]):
                texts = part["text"].astype(str).tolist()
                truth = pd.factorize(part["negativereason"])[0]
                k = int(part["negativereason"].nunique())
                if args.with_seeds:
                    got = themes.cluster(texts, k=args.seed_k, seed=s, seeds=seeds).assignments
                else:
                    got = themes.cluster(texts, k=k, seed=s).assignments
                nmi[s, i] = normalized_mutual_info_score(truth, got)
                ari[s, i] = adjusted_rand_score(truth, got)
        print(
            f"brands={brands} lsa_weight={weight} abtt={abtt} lsa_dims={dims} "
            + (
                f"seeds, k={args.seed_k} pull={pull} similarity={similarity} "
                if args.with_seeds
                else ""
            )
            + f"(seeds 0-{args.seeds - 1}): pool NMI {nmi[:, :8].mean():.4f} "
            f"ARI {ari[:, :8].mean():.4f} | dev NMI {nmi[:, 8].mean():.4f} "
            f"ARI {ari[:, 8].mean():.4f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
