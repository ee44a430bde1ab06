"""Moderation models: toxicity on OffensEval val, spam leaving one video out, speed.

NEEDS ../shared/data/toxicity and ../shared/data/spam.
Run: .venv/bin/python -m benchmarks.textmodels_moderation
The spam figure retrains the packaged recipe once per held-out video (scripts/train_moderation.py).
"""

from __future__ import annotations

from benchmarks._textmodels_common import SHARED, cpu_rate, need, single_thread

single_thread()

import importlib.util  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402

from socialproof.community import moderation  # noqa: E402

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "train_moderation.py"


def _recipe():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("train_moderation", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    need(SHARED / "toxicity")
    need(SHARED / "spam")
    models_only = moderation.load(
        {
            "links": {"policy": "allow"},
            "repeated_text": {"min_count": 0},
            "all_caps": {"min_letters": 10**9},
            "blocked_terms": {"spam": [], "toxic": []},
        }
    )
    val = pd.read_csv(SHARED / "toxicity" / "tweeteval_offensive_val.csv")
    y = (val["label"] == "offensive").to_numpy()
    flags = models_only.flag(val["text"].astype(str).tolist())
    pred = np.array([f.toxic for f in flags])
    print(
        f"toxicity: OffensEval val macro-F1 {f1_score(y, pred, average='macro'):.4f} "
        f"(n={len(y)}, threshold {models_only.toxic_model.meta['threshold']})"
    )  # type: ignore[union-attr]

    recipe = _recipe()
    df = recipe.load_spam(SHARED)
    x = recipe.features(df["text"].tolist(), recipe.SHARED_CONFIG, embeddings=True)
    labels = df["CLASS"].to_numpy().astype(int)
    c = float(models_only.spam_model.meta["C"])  # type: ignore[union-attr]
    scores = []
    for video in sorted(df["video"].unique()):
        test = (df["video"] == video).to_numpy()
        model = recipe.fit(x[~test], labels[~test], c)
        f = f1_score(labels[test], model.predict_proba(x[test])[:, 1] >= 0.5, average="macro")
        scores.append(f)
        print(f"spam: leave out {video}: macro-F1 {f:.4f} ({int(test.sum())} comments)")
    print(f"spam: leave-one-video-out mean macro-F1 {np.mean(scores):.4f}")

    texts = val["text"].astype(str).tolist() * 5
    full = moderation.load()
    full.flag(texts[:200])
    cpu, wall = cpu_rate(lambda: full.flag(texts), len(texts), runs=3)
    print(
        f"speed: {cpu:,.0f} texts/CPU-s on one core ({wall:,.0f} wall), spam + toxic + rules, "
        f"batch of {len(texts):,}"
    )


if __name__ == "__main__":
    main()
