"""Moderation: toxicity on a held-out test, spam leaving one video out, real care traffic.

NEEDS ../shared/data (toxicity, spam, sentiment, conversations).
Run: .venv/bin/python -m benchmarks.textmodels_moderation [--speed-only]
(--speed-only re-measures the moderator's texts per CPU-second and nothing else)
Toxicity: the packaged model (tuned on the dev part of OffensEval train) on the OffensEval
val file, which training never saw (the test here). Spam: the packaged recipe retrained
once per held-out video, ordinary tweets (train splits) as non-spam in every fold; C and
the threshold (and the scales of the cue and character n-gram blocks) chosen inside each
fold from the other videos only (nested: the held-out video never tunes anything), then,
for the record, the packaged threshold on the same folds (scripts/train_moderation.py).
Care traffic: the share of the 15,062 Spotify care messages the full moderator (models +
default rules) flags, by reason, with a seeded sample of flagged and unflagged messages
printed to read.
"""

from __future__ import annotations

from benchmarks._textmodels_common import SHARED, cpu_rate, load_script, need, single_thread

single_thread()


import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402

from socialproof.community import moderation  # noqa: E402
from socialproof.community.textfile import read_time  # noqa: E402


def _recipe():  # type: ignore[no-untyped-def]
    return load_script("train_moderation")


def speed() -> None:
    val = pd.read_csv(need(SHARED / "toxicity") / "tweeteval_offensive_val.csv")
    care = pd.read_csv(need(SHARED / "conversations") / "spotify_support_requests.csv")
    full = moderation.load()
    for name, texts in (
        ("OffensEval val x5", val["text"].astype(str).tolist() * 5),
        ("Spotify care, first 6,620", care["text"].fillna("").astype(str).tolist()[:6620]),
    ):
        full.flag(texts[:200])
        cpu, wall = cpu_rate(lambda t=texts: full.flag(t), len(texts), runs=3)
        print(
            f"speed ({name}): {cpu:,.0f} texts/CPU-s on one core ({wall:,.0f} wall), "
            f"spam + toxic + rules, batch of {len(texts):,}"
        )


def main() -> None:
    from benchmarks._cli import parser

    options = parser(__doc__)
    options.add_argument(
        "--speed-only", action="store_true", help="measure the moderator's speed and nothing else"
    )
    if options.parse_args().speed_only:
        speed()
        return
    need(SHARED / "toxicity")
    need(SHARED / "spam")
    models_only = moderation.load(
        {
            "links": {"policy": "allow"},
            "repeated_text": {"min_count": 0},
            "all_caps": {"min_letters": 10**9},
            "blocked_terms": {"spam": [], "toxic": []},
            "toxicity": {"flag": "offensive"},  # OffensEval's definition: swearing counts
        }
    )
    val = pd.read_csv(SHARED / "toxicity" / "tweeteval_offensive_val.csv")  # the test
    y = (val["label"] == "offensive").to_numpy()
    flags = models_only.flag(val["text"].astype(str).tolist())
    pred = np.array([f.toxic for f in flags])
    print(
        f"toxicity: OffensEval val (held-out test) macro-F1 {f1_score(y, pred, average='macro'):.4f} "
        f"(n={len(y)}, threshold {models_only.toxic_model.meta['threshold']})"
    )  # type: ignore[union-attr]

    recipe = _recipe()
    yt = recipe.load_spam(SHARED)
    ham = recipe.ham_tweets(SHARED)
    labels = np.concatenate([yt["CLASS"].to_numpy().astype(int), np.zeros(len(ham), dtype=int)])
    video = np.array(yt["video"].tolist() + [""] * len(ham))
    meta = models_only.spam_model.meta  # type: ignore[union-attr]
    share = float(meta.get("care_spam_share", 0.02))
    cs = [float(c) for c in meta.get("C_grid", [meta["C"]])]
    weights = [float(w) for w in meta.get("cue_weight_grid", [meta.get("cue_weight", 1.0)])]
    chars = [float(s) for s in meta.get("char_weight_grid", [meta.get("char_weight", 0.0)])]
    xs = recipe.spam_matrices(yt["text"].tolist() + ham, recipe.spotify(SHARED), weights, chars)
    nested = recipe.nested_lovo(xs, labels, video, cs, share)
    for v, (w, s), c, thr, f in nested:
        print(
            f"spam: leave out {v}: macro-F1 {f:.4f} ({int((video == v).sum())} comments; "
            f"cue weight {w}, char weight {s}, C {c} and threshold {thr} chosen on the "
            "other videos)"
        )
    print(
        f"spam: leave-one-video-out, nested (tuned inside each fold), mean macro-F1 "
        f"{np.mean([n[4] for n in nested]):.4f}"
    )
    x = xs[(float(meta.get("cue_weight", 1.0)), float(meta.get("char_weight", 0.0)))][0]
    p, videos = recipe.lovo(x, labels, video, float(meta["C"]))
    thr = float(meta["threshold"])
    same = [f1_score(labels[video == v], p[video == v] >= thr, average="macro") for v in videos]
    print(
        f"spam: (not held out: packaged threshold {thr}, chosen on these folds) mean "
        f"{np.mean(same):.4f} {[round(float(f), 4) for f in same]}"
    )

    care = pd.read_csv(SHARED / "conversations" / "spotify_support_requests.csv")
    care_texts = care["text"].fillna("").astype(str).tolist()
    authors = care["author_id"].astype(str).tolist()
    times = [read_time(str(t)) for t in care["created_at"].fillna("")]
    full = moderation.load()
    flags = full.flag(care_texts, authors=authors, times=times)
    flagged = np.array([f.flagged for f in flags])
    print(f"care traffic: {flagged.mean():.2%} of {len(flags):,} Spotify care messages flagged")
    from collections import Counter

    kinds: Counter[str] = Counter()
    for f in flags:
        for r in f.reasons:
            kinds[r.split(" (")[0].split(" 0.")[0].split(" '")[0]] += 1
    print("  by reason:", dict(kinds.most_common()))
    rng = np.random.default_rng(0)
    for name, pool in (
        ("flagged", np.flatnonzero(flagged)),
        ("not flagged", np.flatnonzero(~flagged)),
    ):
        for i in rng.choice(pool, size=min(40, len(pool)), replace=False):
            print(f"  [{name}] {care_texts[i][:140]!r} {flags[i].reasons}")

    speed()


if __name__ == "__main__":
    main()
