"""Sentiment model: quality on TweetEval val, VADER comparison, speed, load time, size.

NEEDS ../shared/data/sentiment. Run: .venv/bin/python -m benchmarks.textmodels_sentiment
Speed is texts per CPU-second on one core (BLAS limited to one thread), median of 5 runs.
"""

from __future__ import annotations

from benchmarks._textmodels_common import SHARED, cpu_rate, need, single_thread

single_thread()

import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.metrics import recall_score  # noqa: E402

from socialproof.community import _text, sentiment  # noqa: E402


def vader_labels(texts: list[str]) -> tuple[list[str], list[float]]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    scores = [analyzer.polarity_scores(t)["compound"] for t in texts]
    labels = ["positive" if s >= 0.05 else "negative" if s <= -0.05 else "neutral" for s in scores]
    return labels, scores


def cold_load_seconds(runs: int = 3) -> float:
    code = (
        "import time; t=time.perf_counter(); from socialproof.community import sentiment; "
        "sentiment.load(); print(time.perf_counter()-t)"
    )
    times = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(runs)
    ]
    return statistics.median(times)


def main() -> None:
    data = need(SHARED / "sentiment")
    val = pd.read_csv(data / "tweeteval_val.csv")
    texts = val["text"].astype(str).tolist()
    model = sentiment.load()
    pred = model.labels(texts)
    ours = recall_score(val["label"], pred, average="macro")
    vlabels, _ = vader_labels(texts)
    vader = recall_score(val["label"], vlabels, average="macro")
    print(f"TweetEval val macro recall: ours {ours:.4f}, VADER {vader:.4f} (n={len(texts)})")

    gt = pd.read_csv(
        data / "vader_tweets_groundtruth.tsv",
        sep="\t",
        header=None,
        names=["id", "rating", "text"],
        quoting=3,
    )
    gt_texts = gt["text"].astype(str).tolist()
    ours_scores = [s for _, s in model.predict(gt_texts)]
    _, vader_scores = vader_labels(gt_texts)
    r_ours = float(np.corrcoef(ours_scores, gt["rating"])[0, 1])
    r_vader = float(np.corrcoef(vader_scores, gt["rating"])[0, 1])
    print(
        f"VADER tweets ground truth (n={len(gt)}): Pearson r ours {r_ours:.3f}, VADER {r_vader:.3f}"
    )

    batch = texts * 10
    model.predict(batch[:200])
    cpu, wall = cpu_rate(lambda: model.predict(batch), len(batch))
    print(
        f"speed: {cpu:,.0f} texts/CPU-s on one core ({wall:,.0f} texts/s wall on the "
        f"shared machine), batch of {len(batch):,}"
    )
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    vcpu, _ = cpu_rate(lambda: [analyzer.polarity_scores(t) for t in texts], len(texts), runs=3)
    print(f"VADER speed: {vcpu:,.0f} texts/CPU-s")

    sentiment.load.cache_clear()
    _text.lexicon.cache_clear()
    t0 = time.perf_counter()
    sentiment.load()
    _text.lexicon()
    warm = time.perf_counter() - t0
    print(
        f"load: {warm:.2f} s (modules imported), {cold_load_seconds():.2f} s cold "
        "(new process, imports included)"
    )
    folder = _text.models_dir()
    size = sum((folder / n).stat().st_size for n in ("sentiment.npz", "lexicon.json"))
    print(f"artifacts: {size / 1e6:.1f} MB (sentiment.npz + lexicon.json)")


if __name__ == "__main__":
    main()
