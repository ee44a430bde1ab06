"""Train the packaged sentiment model (src/socialproof/data/models/sentiment.npz).

NEEDS ../shared/data/sentiment (research data: the SemEval 2013-2016 Task 4A pool and
TweetEval val; airline_tweets_10k.csv, CC BY-NC-SA). No tweet is copied into the
package: only hashed linear weights and the VADER lexicon (MIT) are stored.

    .venv/bin/python scripts/train_sentiment.py [--data ../shared/data/sentiment]

Protocol (issue 12): two pools, each split once into train / dev / test by a salted
hash of the normalised text (benchmarks/_textmodels_common.split_of, 80/10/10,
fixed before any tuning):

* general tweets: the SemEval 2013-2016 pool plus TweetEval val, de-duplicated;
* customer-care tweets: airline_tweets_10k.csv.

One linear model (three one-vs-rest logistic regressions, class-balanced) is trained on
the general train part (and, with --train-on-care, on the care train part too); C, the
weight of the care tweets and then a decision offset per class (negative, positive;
neutral fixed) are chosen on the two dev parts by one rule: the best worst shortfall of
the dev macro recalls against their targets. The test parts are scored once, by
benchmarks/textmodels_sentiment.py.

Licence: the airline tweets are CC BY-NC-SA 4.0 ("training and tuning only; texts never
packaged"), and socialproof is Apache-2.0, which permits commercial use. Weights fitted
on NC/SA tweets would carry those terms, so the packaged model is fitted on the general
pool only; the care dev split is used for tuning (C, offsets), as the manifest allows.
--train-on-care builds the NC variant for comparison; write it with --out elsewhere,
never into the package.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import recall_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._textmodels_common import airline_sentiment, general_sentiment  # noqa: E402

from socialproof.community import _text  # noqa: E402
from socialproof.community import sentiment as S  # noqa: E402

MODELS = ROOT / "src" / "socialproof" / "data" / "models"
OUT = MODELS / "sentiment.npz"
LEXICON = MODELS / "lexicon.json"
TARGETS = {"general": 0.67, "care": 0.75}


def build_lexicon() -> dict[str, float]:
    """VADER's word lexicon plus its emoji, each emoji scored by VADER on its description."""
    import vaderSentiment
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    folder = Path(vaderSentiment.__file__).parent
    lexicon: dict[str, float] = {}
    for line in (folder / "vader_lexicon.txt").read_text(encoding="utf-8").splitlines():
        parts = line.strip().split("\t")
        if len(parts) >= 2:
            lexicon[parts[0].lower()] = round(float(parts[1]), 2)
    analyzer = SentimentIntensityAnalyzer()
    for line in (folder / "emoji_utf8_lexicon.txt").read_text(encoding="utf-8").splitlines():
        parts = line.strip().split("\t")
        if len(parts) != 2:
            continue
        emoji, description = parts
        score = analyzer.polarity_scores(description)["compound"] * 4
        if abs(score) >= 0.05:
            lexicon[emoji.replace("\ufe0f", "")] = round(score, 2)
    return lexicon


def write_lexicon(lexicon: dict[str, float]) -> None:
    doc = {
        "source": "VADER lexicon and emoji lexicon from the vaderSentiment wheel "
        "(Hutto & Gilbert 2014, MIT licence); each emoji scored by VADER on its description",
        "as_of": date.today().isoformat(),
        "script": "scripts/train_sentiment.py",
        "lexicon": lexicon,
    }
    LEXICON.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n")


def macro_recall(y: np.ndarray, logits: np.ndarray) -> float:
    return float(recall_score(y, logits.argmax(axis=1), average="macro"))


class OneVsRest:
    """Three binary logistic regressions (liblinear), one per label, as one linear model.

    One-vs-rest beat the multinomial fit on dev (general 0.657 vs 0.642) and trains in a
    third of the CPU time.
    """

    def __init__(self, c: float) -> None:
        self.c = c
        self.coef_ = np.zeros((0, 0))
        self.intercept_ = np.zeros(0)

    def fit(self, x: sp.csr_matrix, y: np.ndarray, weight: np.ndarray) -> OneVsRest:
        coefs, intercepts = [], []
        for k in range(len(S.LABELS)):
            binary = LogisticRegression(C=self.c, solver="liblinear", random_state=0)
            binary.fit(x, (y == k).astype(int), sample_weight=weight)
            coefs.append(binary.coef_[0])
            intercepts.append(binary.intercept_[0])
        self.coef_ = np.array(coefs)
        self.intercept_ = np.array(intercepts)
        return self

    def decision(self, x: sp.csr_matrix) -> np.ndarray:
        return np.asarray(x @ self.coef_.T) + self.intercept_

    def dev_recall(self, x: sp.csr_matrix, y: np.ndarray) -> float:
        return macro_recall(y, self.decision(x))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "sentiment")
    parser.add_argument("--C", type=float, nargs="+", default=[1.0])
    parser.add_argument("--care-weight", type=float, nargs="+", default=[1.0, 2.0, 3.0])
    parser.add_argument(
        "--embeddings",
        type=float,
        default=0.0,
        help="weight of the static sentence embeddings as extra features (0 = none)",
    )
    parser.add_argument(
        "--train-on-care",
        action="store_true",
        help="also fit on the airline train split (CC BY-NC-SA: not for the package)",
    )
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the model")
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    if not args.data.exists():
        raise SystemExit(f"{args.data} not found: this script needs ../shared/data/sentiment")

    config = _text.FeatureConfig(char_weight=0.0)  # word features only: 20k+ texts/s
    lexicon = build_lexicon()
    pools = {"general": general_sentiment(args.data), "care": airline_sentiment(args.data)}
    feats = {}
    for name, df in pools.items():
        for part in ("train", "dev"):
            sub = df[df["split"] == part]
            texts = sub["text"].astype(str).tolist()
            xs, xd = _text.featurise(texts, config, lexicon)
            y = sub["label"].map(S.LABELS.index).to_numpy()
            blocks = [xs, sp.csr_matrix(xd)]
            if args.embeddings:
                from socialproof.community.themes import embed

                blocks.append(sp.csr_matrix(embed(texts) * args.embeddings))
            feats[name, part] = (sp.hstack(blocks, format="csr"), y)
            print(f"{name} {part}: {len(sub)} tweets")
    train_parts = ["general", "care"] if args.train_on_care else ["general"]
    if args.out.resolve() == OUT.resolve() and args.train_on_care and not args.no_save:
        raise SystemExit("--train-on-care builds a non-commercial model: write it with --out")
    x_train = sp.vstack([feats[name, "train"][0] for name in train_parts], format="csr")
    y_train = np.concatenate([feats[name, "train"][1] for name in train_parts])
    n_general = len(feats["general", "train"][1])
    care_weights = args.care_weight if args.train_on_care else [0.0]

    best: tuple[float, float, float, dict[str, float], OneVsRest] | None = None
    for c in args.C:
        for w in care_weights:
            t0 = time.process_time()
            weight = np.ones(len(y_train))
            weight[n_general:] = w
            # class balance within the combined pool, then the care weight on top
            counts = np.bincount(y_train, weights=weight, minlength=3)
            weight *= (weight.sum() / (3 * counts))[y_train]
            model = OneVsRest(c).fit(x_train, y_train, weight)
            dev = {name: model.dev_recall(*feats[name, "dev"]) for name in pools}
            # choose the configuration whose worse pool (relative to its target) is best
            score = min(dev[n] - TARGETS[n] for n in pools)
            print(
                f"C={c} care weight {w}: dev macro recall general {dev['general']:.4f}, "
                f"care {dev['care']:.4f} ({time.process_time() - t0:.0f} CPU-s)",
                flush=True,
            )
            if best is None or score > best[0]:
                best = (score, c, w, dev, model)
    assert best is not None
    _, c, w, dev_plain, model = best
    print(f"chosen: C={c}, care weight {w}")
    # per-class decision offsets (negative, positive; neutral fixed at 0), chosen on dev by
    # the same rule: the best worst shortfall against the targets
    logits = {name: model.decision(feats[name, "dev"][0]) for name in pools}
    grid = np.round(np.arange(-2.0, 2.0001, 0.1), 2)
    best_off: tuple[float, float, float] | None = None
    for a in grid:
        for b in grid:
            shift = np.array([a, 0.0, b])
            worst = min(
                macro_recall(feats[n, "dev"][1], logits[n] + shift) - TARGETS[n] for n in pools
            )
            if best_off is None or worst > best_off[0] + 1e-9:
                best_off = (worst, float(a), float(b))
    assert best_off is not None
    offsets = np.array([best_off[1], 0.0, best_off[2]])
    dev = {n: macro_recall(feats[n, "dev"][1], logits[n] + offsets) for n in pools}
    print(
        f"offsets negative {offsets[0]:+.1f}, positive {offsets[2]:+.1f}: dev macro recall "
        f"general {dev['general']:.4f}, care {dev['care']:.4f}"
    )
    model.intercept_ = model.intercept_ + offsets
    if args.no_save:
        return
    n = config.n_features
    meta = {
        "labels": list(S.LABELS),
        "model": "one-vs-rest logistic regressions (liblinear), class-balanced",
        "C": c,
        "care_weight": w,
        "offsets": [round(float(v), 2) for v in offsets],
        "dev_macro_recall_without_offsets": {k: round(v, 4) for k, v in dev_plain.items()},
        "embeddings_weight": args.embeddings,
        "dev_macro_recall": {k: round(v, 4) for k, v in dev.items()},
        "trained_on": "train split of the SemEval 2013-2016 Task 4A pool + TweetEval val "
        "(datastories-semeval2017-task4 faeee5f, cardiffnlp/tweeteval 4fbd22c)"
        + (
            " and of airline_tweets_10k (Twitter US Airline Sentiment, CC BY-NC-SA 4.0)"
            if args.train_on_care
            else ""
        ),
        "tuned_on": "dev splits of the general pool and of airline_tweets_10k (C, offsets)",
        "split": "salted blake2b of the normalised text, 80/10/10 train/dev/test "
        "(benchmarks/_textmodels_common.split_of)",
        "licence": (
            "NOT FOR THE PACKAGE: weights fitted on CC BY-NC-SA 4.0 tweets (non-commercial)"
            if args.train_on_care
            else "weights fitted on research data (SemEval / Twitter terms, source named); "
            "the CC BY-NC-SA airline tweets only chose C and the offsets (tuning), "
            "no weight is fitted on them; no tweet text is stored"
        ),
        "built": date.today().isoformat(),
        "script": "scripts/train_sentiment.py",
    }
    MODELS.mkdir(parents=True, exist_ok=True)
    if args.out.resolve() == OUT.resolve():
        write_lexicon(lexicon)
    d = n + _text.N_LEXICON_FEATURES
    emb = np.ascontiguousarray(model.coef_[:, d:].T) * args.embeddings if args.embeddings else None
    _text.LinearTextModel(
        config,
        np.ascontiguousarray(model.coef_[:, :n].T),
        np.ascontiguousarray(model.coef_[:, n:d].T),
        model.intercept_,
        meta,
        emb,
    ).save(args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
