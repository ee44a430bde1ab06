"""Train the packaged sentiment model (src/socialproof/data/models/sentiment.npz).

NEEDS ../shared/data/sentiment (research data: the SemEval 2013-2016 Task 4A pool and
TweetEval val; airline_tweets_10k.csv, CC BY-NC-SA). No tweet is copied into the
package: only hashed linear weights and the VADER lexicon (MIT) are stored.

    .venv/bin/python scripts/train_sentiment.py [--data ../shared/data/sentiment] [--no-nc]

Protocol (issue 12): two pools, each split once into train / dev / test by a salted
hash of the normalised text (benchmarks/_textmodels_common.split_of, 80/10/10,
fixed before any tuning):

* general tweets: the SemEval 2013-2016 pool plus TweetEval val, de-duplicated;
* customer-care tweets: airline_tweets_10k.csv.

One linear model (three one-vs-rest logistic regressions) is fitted on the train parts of
both pools; each pool is class-balanced on its own, then the care tweets get a weight
(domain-weighted samples). C, the care weight, the weight of the sentiment-only care
cues (``sentiment.care_cues``) and then one decision offset per class (negative,
positive; neutral fixed) are chosen on the two dev parts by one rule: the best worst
shortfall of the dev macro recalls against their targets. The test parts are scored once,
by benchmarks/textmodels_sentiment.py. Deterministic: liblinear with a fixed seed, fixed
grids, splits by hash.

Licence (the lead's decision, issue 12, fifth round): the data README lets a model
trained on a research set ship with its source named (its texts may not), and lists the
airline tweets (CC BY-NC-SA 4.0) for customer-care "train/tune", data never packaged.
So the packaged weights are fitted on the airline TRAIN split too (never dev or test),
and the metadata names every source and licence. --no-nc rebuilds weights free of any
NC-derived parameter: fitted on the general pool only, and C, cues and offsets chosen
on the general dev split only (the airline tweets are not read at all).
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


def class_balanced(y: np.ndarray) -> np.ndarray:
    """Per-sample weights giving each label the same total weight (mean weight 1)."""
    counts = np.bincount(y, minlength=len(S.LABELS)).astype(float)
    return (len(y) / (len(S.LABELS) * np.maximum(counts, 1.0)))[y]


def choose_offsets(
    logits: dict[str, np.ndarray], labels: dict[str, np.ndarray]
) -> tuple[np.ndarray, float]:
    """Per-class offsets (negative, positive; neutral 0) with the best worst shortfall on dev.

    A 0.1 grid over -2..2 for each; ties keep the first (most negative) point, so the
    choice is deterministic.
    """
    grid = np.round(np.arange(-2.0, 2.0001, 0.1), 2)
    best: tuple[float, float, float] | None = None
    for a in grid:
        for b in grid:
            shift = np.array([a, 0.0, b])
            worst = min(macro_recall(labels[n], logits[n] + shift) - TARGETS[n] for n in logits)
            if best is None or worst > best[0] + 1e-9:
                best = (worst, float(a), float(b))
    assert best is not None
    return np.array([best[1], 0.0, best[2]]), best[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "sentiment")
    parser.add_argument("--C", type=float, nargs="+", default=[4.0, 8.0])
    parser.add_argument("--care-weight", type=float, nargs="+", default=[0.5, 1.0, 2.0])
    parser.add_argument(
        "--cues",
        type=float,
        nargs="+",
        default=[0.0],
        help="weights of the sentiment-only care cues block to try (0 = none)",
    )
    parser.add_argument(
        "--embeddings",
        type=float,
        default=0.0,
        help="weight of the static sentence embeddings as extra features (0 = none)",
    )
    parser.add_argument(
        "--no-nc",
        action="store_true",
        help="weights and choices free of the CC BY-NC-SA airline tweets (not read at all)",
    )
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the model")
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    if not args.data.exists():
        raise SystemExit(f"{args.data} not found: this script needs ../shared/data/sentiment")

    config = _text.FeatureConfig(char_weight=0.0)  # word features only: 20k+ texts/s
    lexicon = build_lexicon()
    pools = {"general": general_sentiment(args.data)}
    if not args.no_nc:
        pools["care"] = airline_sentiment(args.data)
    base: dict[tuple[str, str], tuple[sp.csr_matrix, np.ndarray, np.ndarray]] = {}
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
            base[name, part] = (sp.hstack(blocks, format="csr"), S.care_cues(texts), y)
            print(f"{name} {part}: {len(sub)} tweets")
    names = list(pools)
    n_general = len(base["general", "train"][2])
    y_train = np.concatenate([base[name, "train"][2] for name in names])
    care_weights = [0.0] if args.no_nc else args.care_weight

    def with_cues(name: str, part: str, cue: float) -> sp.csr_matrix:
        x, cues, _ = base[name, part]
        return sp.hstack([x, sp.csr_matrix(cues * cue)], format="csr") if cue else x

    best: tuple[float, float, float, float, dict[str, float], OneVsRest] | None = None
    for cue in args.cues:
        x_train = sp.vstack([with_cues(name, "train", cue) for name in names], format="csr")
        dev_x = {name: with_cues(name, "dev", cue) for name in names}
        for c in args.C:
            for w in care_weights:
                t0 = time.process_time()
                weight = np.concatenate([class_balanced(base[name, "train"][2]) for name in names])
                weight[n_general:] *= w
                model = OneVsRest(c).fit(x_train, y_train, weight)
                dev = {name: model.dev_recall(dev_x[name], base[name, "dev"][2]) for name in names}
                # the configuration whose worse pool (relative to its target) is best
                score = min(dev[n] - TARGETS[n] for n in names)
                print(
                    f"cues {cue} C={c} care weight {w}: dev macro recall "
                    + ", ".join(f"{n} {dev[n]:.4f}" for n in names)
                    + f" ({time.process_time() - t0:.0f} CPU-s)",
                    flush=True,
                )
                if best is None or score > best[0] + 1e-9:
                    best = (score, cue, c, w, dev, model)
    assert best is not None
    _, cue, c, w, dev_plain, model = best
    print(f"chosen: cues {cue}, C={c}, care weight {w}")
    labels = {n: base[n, "dev"][2] for n in names}
    logits = {n: model.decision(with_cues(n, "dev", cue)) for n in names}
    offsets, _ = choose_offsets(logits, labels)
    dev = {n: macro_recall(labels[n], logits[n] + offsets) for n in names}
    print(
        f"offsets negative {offsets[0]:+.1f}, positive {offsets[2]:+.1f}: dev macro recall "
        + ", ".join(f"{n} {dev[n]:.4f}" for n in names)
    )
    model.intercept_ = model.intercept_ + offsets
    if args.no_save:
        return
    n = config.n_features
    d = n + _text.N_LEXICON_FEATURES
    n_emb = 0
    if args.embeddings:
        n_emb = model.coef_.shape[1] - d - (len(S.CARE_CUES) if cue else 0)
    general_src = (
        "train split of the SemEval 2013-2016 Task 4A pool + TweetEval val (research data, "
        "SemEval / Twitter terms; datastories-semeval2017-task4 faeee5f, cardiffnlp/tweeteval "
        "4fbd22c)"
    )
    care_src = (
        "train split of airline_tweets_10k (Twitter US Airline Sentiment, Figure Eight / "
        "Crowdflower, CC BY-NC-SA 4.0; data README: customer-care train/tune, never packaged)"
    )
    meta: dict[str, object] = {
        "labels": list(S.LABELS),
        "model": "one-vs-rest logistic regressions (liblinear), class-balanced per pool",
        "C": c,
        "care_weight": w,
        "cue_weight": cue,
        "offsets": [round(float(v), 2) for v in offsets],
        "dev_macro_recall_without_offsets": {k: round(v, 4) for k, v in dev_plain.items()},
        "embeddings_weight": args.embeddings,
        "dev_macro_recall": {k: round(v, 4) for k, v in dev.items()},
        "trained_on": general_src + ("" if args.no_nc else "; and the " + care_src),
        "sources": {
            "general": general_src,
            **({} if args.no_nc else {"care": care_src}),
            "lexicon": "VADER lexicon and emoji lexicon (vaderSentiment wheel, MIT)",
        },
        "tuned_on": (
            "dev split of the general pool (C, cues, offsets)"
            if args.no_nc
            else "dev splits of the general pool and of airline_tweets_10k "
            "(C, care weight, cues, offsets)"
        ),
        "split": "salted blake2b of the normalised text, 80/10/10 train/dev/test "
        "(benchmarks/_textmodels_common.split_of)",
        "nc_derived": not args.no_nc,
        "licence": (
            "weights fitted on research data only (SemEval / Twitter terms, source named); "
            "no CC BY-NC-SA data read; no tweet text stored"
            if args.no_nc
            else "weights fitted on research data (SemEval / Twitter terms) and on the "
            "airline tweets' train split (CC BY-NC-SA 4.0), sources named, as the data "
            "README allows for a model (texts never packaged); no tweet text is stored"
        ),
        "built": date.today().isoformat(),
        "script": "scripts/train_sentiment.py" + (" --no-nc" if args.no_nc else ""),
    }
    if cue:
        cue_coef = model.coef_[:, d + n_emb :] * cue  # the block was scaled by ``cue``
        meta["cue_coef"] = [[round(float(v), 5) for v in row] for row in cue_coef.T]
        meta["cues"] = [name for name, _ in S.CARE_CUES]
    MODELS.mkdir(parents=True, exist_ok=True)
    if args.out.resolve() == OUT.resolve():
        write_lexicon(lexicon)
    emb = (
        np.ascontiguousarray(model.coef_[:, d : d + n_emb].T) * args.embeddings
        if args.embeddings
        else None
    )
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
