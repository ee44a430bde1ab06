"""Train the packaged moderation models (data/models/toxic.npz and spam.npz).

NEEDS ../shared/data/toxicity (OffensEval 2019 via TweetEval: research data) and
../shared/data/spam (YouTube Spam Collection, CC BY 4.0). No text is copied into
the package: only hashed linear weights and a decision threshold.

    .venv/bin/python scripts/train_moderation.py [--data ../shared/data]

Toxicity: logistic regression over the shared hashed features (``_text``),
C and threshold chosen on the OffensEval val file for macro-F1, final model
trained on train only (so the val figure stays honest).
Spam: the same features plus the static sentence embeddings (themes.embed:
they generalise "sub to me" / "subscribe"), evaluated leaving one video out (random splits leak
near-duplicate spam between train and test), then trained on every video.
"""

from __future__ import annotations

import argparse
import html
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

from socialproof.community import _text

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "src" / "socialproof" / "data" / "models"


EMB_WEIGHT = 0.5  # scale of the static-embedding block next to the hashed features
# Both models share one feature configuration, so the moderator featurises a batch once.
SHARED_CONFIG = _text.FeatureConfig(n_features=2**20, char_weight=0.0)


def features(
    texts: list[str], config: _text.FeatureConfig, embeddings: bool = False
) -> sp.csr_matrix:
    xs, xd = _text.featurise(texts, config, _text.lexicon())
    blocks = [xs, sp.csr_matrix(xd)]
    if embeddings:
        from socialproof.community.themes import embed

        blocks.append(sp.csr_matrix(embed(texts) * EMB_WEIGHT))
    return sp.hstack(blocks, format="csr")


def fit(x: sp.csr_matrix, y: np.ndarray, c: float) -> LogisticRegression:
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=500)
    return model.fit(x, y)


def best_threshold(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    best = (0.5, f1_score(y, p >= 0.5, average="macro"))
    for t in np.arange(0.2, 0.81, 0.02):
        f = f1_score(y, p >= t, average="macro")
        if f > best[1] + 1e-9:
            best = (round(float(t), 2), f)
    return best


def to_linear(
    model: LogisticRegression,
    config: _text.FeatureConfig,
    meta: dict[str, object],
    embeddings: bool = False,
) -> _text.LinearTextModel:
    n = config.n_features
    d = n + _text.N_LEXICON_FEATURES
    emb = np.ascontiguousarray(model.coef_[:, d:].T) * EMB_WEIGHT if embeddings else None
    return _text.LinearTextModel(
        config,
        np.ascontiguousarray(model.coef_[:, :n].T),
        np.ascontiguousarray(model.coef_[:, n:d].T),
        model.intercept_,
        meta,
        emb,
    )


def train_toxic(data: Path, cs: list[float]) -> None:
    config = SHARED_CONFIG
    train = pd.read_csv(data / "toxicity" / "tweeteval_offensive_train.csv")
    val = pd.read_csv(data / "toxicity" / "tweeteval_offensive_val.csv")
    y = (train["label"] == "offensive").to_numpy().astype(int)
    yv = (val["label"] == "offensive").to_numpy().astype(int)
    x = features(train["text"].astype(str).tolist(), config, embeddings=True)
    xv = features(val["text"].astype(str).tolist(), config, embeddings=True)
    best: tuple[float, float, float, LogisticRegression] | None = None
    for c in cs:
        t0 = time.perf_counter()
        model = fit(x, y, c)
        p = model.predict_proba(xv)[:, 1]
        f05 = f1_score(yv, p >= 0.5, average="macro")
        thr, f = best_threshold(yv, p)
        print(
            f"toxic C={c}: val macro-F1 {f05:.4f} at 0.5, {f:.4f} at {thr} "
            f"({time.perf_counter() - t0:.0f}s)"
        )
        if best is None or f > best[1]:
            best = (thr, f, c, model)
    assert best is not None
    thr, f, c, model = best
    meta = {
        "threshold": thr,
        "C": c,
        "val_macro_f1": round(f, 4),
        "trained_on": "OffensEval 2019 train via TweetEval (cardiffnlp/tweeteval 4fbd22c), "
        f"{len(train)} tweets",
        "tuned_on": "OffensEval val via TweetEval (threshold and C for macro-F1)",
        "licence": "weights derived from research data (OffensEval / Twitter terms); "
        "no tweet text is stored",
        "built": date.today().isoformat(),
        "script": "scripts/train_moderation.py",
    }
    to_linear(model, config, meta, embeddings=True).save(MODELS / "toxic.npz")
    print(f"wrote toxic.npz ({(MODELS / 'toxic.npz').stat().st_size / 1e6:.1f} MB)")


def load_spam(data: Path) -> pd.DataFrame:
    frames = []
    for path in sorted((data / "spam").glob("Youtube*.csv")):
        df = pd.read_csv(path)
        df["video"] = path.stem
        frames.append(df)
    out = pd.concat(frames, ignore_index=True)
    out["text"] = out["CONTENT"].astype(str).map(html.unescape)
    return out


def train_spam(data: Path, c: float) -> None:
    config = SHARED_CONFIG
    df = load_spam(data)
    x = features(df["text"].tolist(), config, embeddings=True)
    y = df["CLASS"].to_numpy().astype(int)
    scores = []
    for video in sorted(df["video"].unique()):
        test = (df["video"] == video).to_numpy()
        model = fit(x[~test], y[~test], c)
        p = model.predict_proba(x[test])[:, 1]
        f = f1_score(y[test], p >= 0.5, average="macro")
        scores.append(f)
        print(f"spam leave out {video}: macro-F1 {f:.4f} ({test.sum()} comments)")
    mean = float(np.mean(scores))
    print(f"spam leave-one-video-out mean macro-F1 {mean:.4f}")
    model = fit(x, y, c)
    meta = {
        "threshold": 0.5,
        "C": c,
        "lovo_macro_f1": round(mean, 4),
        "lovo_per_video": [round(float(s), 4) for s in scores],
        "trained_on": "YouTube Spam Collection v1 (Alberto, Lochter & Almeida 2015; UCI, "
        f"CC BY 4.0), videos {', '.join(sorted(df['video'].unique()))}, {len(df)} comments",
        "licence": "CC BY 4.0 (attribution: TubeSpam, Alberto et al. 2015)",
        "built": date.today().isoformat(),
        "script": "scripts/train_moderation.py",
    }
    to_linear(model, config, meta, embeddings=True).save(MODELS / "spam.npz")
    print(f"wrote spam.npz ({(MODELS / 'spam.npz').stat().st_size / 1e6:.1f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--C", type=float, nargs="+", default=[1.0, 3.0])
    parser.add_argument("--spam-C", type=float, default=10.0)
    parser.add_argument("--only", choices=["toxic", "spam"])
    args = parser.parse_args()
    if not (args.data / "toxicity").exists() or not (args.data / "spam").exists():
        raise SystemExit(f"{args.data} lacks toxicity/ or spam/: this script needs ../shared/data")
    if args.only != "spam":
        train_toxic(args.data, args.C)
    if args.only != "toxic":
        train_spam(args.data, args.spam_C)


if __name__ == "__main__":
    main()
