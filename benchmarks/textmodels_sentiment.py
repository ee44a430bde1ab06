"""Sentiment model: quality on the held-out test splits, VADER comparison, speed, load, size.

NEEDS ../shared/data/sentiment. Run: .venv/bin/python -m benchmarks.textmodels_sentiment
(add --speed for the speed figures alone; --model PATH scores another artifact, e.g. the
NC-free variant built by ``scripts/train_sentiment.py --no-nc --out PATH``)
Test splits (benchmarks/_textmodels_common.split_of, fixed before tuning): general tweets
(SemEval 2013-2016 pool + TweetEval val, de-duplicated) and customer-care tweets
(airline_tweets_10k.csv). The model was trained on the train splits and chosen on dev.
Speed is texts per CPU-second on one core (BLAS limited to one thread), median of 5 runs.
"""

from __future__ import annotations

from benchmarks._textmodels_common import (
    SHARED,
    airline_sentiment,
    cpu_rate,
    general_sentiment,
    need,
    single_thread,
)

single_thread()

import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from unittest import mock  # noqa: E402

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


def speed_report(model: sentiment.SentimentModel, texts: list[str], pool: pd.DataFrame) -> str:
    """Texts per CPU-second: the benchmark batch, and never-seen texts from cold caches.

    The benchmark batch is 2,000 test tweets repeated 10 times (as in every round before).
    ``featurise`` keeps token ids and chunk tokenisations between batches, so two figures
    are for texts the process has never seen: the stream (40,000 distinct train tweets,
    none of them in the benchmark batch, in batches of 5,000, caches cleared before the
    first batch: a new process scoring a stream) and the cold batches (the same 40,000
    with the caches cleared before every batch of 5,000: no chunk of a text is known
    before its batch; the worst case).
    """
    batch = texts * 10
    model.predict(batch[:200])
    cpu, wall = cpu_rate(lambda: model.predict(batch), len(batch))
    stream = pool[pool["split"] == "train"]["text"].astype(str).tolist()[:40_000]

    def run_stream() -> None:
        _text.clear_feature_caches()
        for start in range(0, len(stream), 5_000):
            model.predict(stream[start : start + 5_000])

    def run_cold() -> None:
        for start in range(0, len(stream), 5_000):
            _text.clear_feature_caches()
            model.predict(stream[start : start + 5_000])

    scpu, _ = cpu_rate(run_stream, len(stream), runs=3)
    ccpu, _ = cpu_rate(run_cold, len(stream), runs=3)
    return (
        f"speed: {cpu:,.0f} texts/CPU-s on one core ({wall:,.0f} texts/s wall on the "
        f"shared machine), batch of {len(batch):,} (2,000 test texts x 10); never-seen "
        f"texts (general train split): {scpu:,.0f} texts/CPU-s on a stream of "
        f"{len(stream):,} distinct texts in batches of 5,000 from cold caches, "
        f"{ccpu:,.0f} texts/CPU-s with the caches cleared before every batch; "
        f"load {' '.join(open('/proc/loadavg').read().split()[:3])}"
    )


def load_model(path: Path | None) -> sentiment.SentimentModel:
    """The packaged model, or the artifact at ``path`` (same lexicon)."""
    if path is None:
        return sentiment.load()
    with mock.patch.object(_text, "models_dir", lambda: path.resolve().parent):
        linear = _text.load_linear(path.stem)
    return sentiment.SentimentModel.from_linear(linear)


def main(model_path: Path | None = None) -> None:
    data = need(SHARED / "sentiment")
    model = load_model(model_path)
    print(
        f"model: {model_path or 'packaged'} ({model.meta.get('script')}, "
        f"trained on: {model.meta.get('trained_on')})"
    )
    texts: list[str] = []
    for name, pool in (("general", general_sentiment(data)), ("care", airline_sentiment(data))):
        for part in ("dev", "test"):
            sub = pool[pool["split"] == part]
            part_texts = sub["text"].astype(str).tolist()
            ours = recall_score(sub["label"], model.labels(part_texts), average="macro")
            vlabels, _ = vader_labels(part_texts)
            vader = recall_score(sub["label"], vlabels, average="macro")
            print(
                f"{name} tweets, {part} split (n={len(sub)}): macro recall ours {ours:.4f}, "
                f"VADER {vader:.4f}"
            )
            if name == "general" and part == "test":
                texts = part_texts[:2000]

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

    print(speed_report(model, texts, general_sentiment(data)))
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
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speed", action="store_true", help="speed figures only")
    parser.add_argument("--model", type=Path, help="an artifact other than the packaged one")
    args = parser.parse_args()
    if args.speed:
        pool = general_sentiment(need(SHARED / "sentiment"))
        test = pool[pool["split"] == "test"]["text"].astype(str).tolist()[:2000]
        print(speed_report(load_model(args.model), test, pool))
    else:
        main(args.model)
