"""Train the packaged sentiment model (src/socialproof/data/models/sentiment.npz).

NEEDS ../shared/data/sentiment (research data: SemEval 2013-2016 Task 4A pool and
the TweetEval val file). The tweets are never copied into the package: only the
hashed linear weights and the VADER lexicon (MIT) are stored.

    .venv/bin/python scripts/train_sentiment.py [--data ../shared/data/sentiment] [--C 0.5]

Model selection uses TweetEval val (2,000 tweets) after dropping its 801 tweets
that also appear in the training pool. The final model is trained on the pool
minus those tweets (val is kept out so the reported val figure stays honest).
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import recall_score

from socialproof.community import _text
from socialproof.community import sentiment as S

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "src" / "socialproof" / "data" / "models"
OUT = MODELS / "sentiment.npz"
LEXICON = MODELS / "lexicon.json"


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


def norm_key(text: str) -> str:
    return " ".join(text.lower().split())


def load(data: Path) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    train = pd.read_csv(data / "semeval2013-2016_train.csv")
    val = pd.read_csv(data / "tweeteval_val.csv")
    val_keys = {norm_key(t) for t in val["text"]}
    overlap = train["text"].map(norm_key).isin(val_keys)
    return train[~overlap].reset_index(drop=True), val, int(overlap.sum())


def fit(
    xs: sp.csr_matrix, xd: np.ndarray, y: np.ndarray, c: float, char_weight: float
) -> LogisticRegression:
    x = sp.hstack([xs, sp.csr_matrix(xd)], format="csr")
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=300, solver="lbfgs")
    model.fit(x, y)
    return model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "sentiment")
    parser.add_argument("--C", type=float, nargs="+", default=[0.5])
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    if not args.data.exists():
        raise SystemExit(f"{args.data} not found: this script needs ../shared/data/sentiment")

    config = _text.FeatureConfig(char_weight=0.0)  # word features only: 20k+ texts/s
    lexicon = build_lexicon()
    train, val, dropped = load(args.data)
    print(f"train {len(train)} (dropped {dropped} val overlaps), val {len(val)}")
    y = train["label"].map(S.LABELS.index).to_numpy()
    yv = val["label"].map(S.LABELS.index).to_numpy()
    t0 = time.perf_counter()
    xs, xd = _text.featurise(train["text"].astype(str).tolist(), config, lexicon)
    vs, vd = _text.featurise(val["text"].astype(str).tolist(), config, lexicon)
    print(f"featurised in {time.perf_counter() - t0:.1f}s")

    best: tuple[float, float, LogisticRegression] | None = None
    for c in args.C:
        t0 = time.perf_counter()
        model = fit(xs, xd, y, c, config.char_weight)
        xv = sp.hstack([vs, sp.csr_matrix(vd)], format="csr")
        pred = model.predict(xv)
        rec = recall_score(yv, pred, average="macro")
        print(f"C={c}: val macro recall {rec:.4f} ({time.perf_counter() - t0:.0f}s)")
        if best is None or rec > best[0]:
            best = (rec, c, model)
    assert best is not None
    rec, c, model = best
    if args.no_save:
        return
    n = config.n_features
    meta = {
        "labels": list(S.LABELS),
        "C": c,
        "val_macro_recall": round(rec, 4),
        "trained_on": "SemEval 2013-2016 Task 4A pool (datastories-semeval2017-task4 "
        f"faeee5f), {len(train)} tweets after removing {dropped} TweetEval val overlaps",
        "tuned_on": "TweetEval sentiment val (cardiffnlp/tweeteval 4fbd22c)",
        "licence": "weights derived from research data (SemEval / Twitter terms); "
        "no tweet text is stored",
        "built": date.today().isoformat(),
        "script": "scripts/train_sentiment.py",
    }
    MODELS.mkdir(parents=True, exist_ok=True)
    write_lexicon(lexicon)
    _text.LinearTextModel(
        config,
        np.ascontiguousarray(model.coef_[:, :n].T),
        np.ascontiguousarray(model.coef_[:, n:].T),
        model.intercept_,
        meta,
    ).save(OUT)
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
