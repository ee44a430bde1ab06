"""Fine-tune a static token table end to end on OffensEval fit (toxicity, ninth round).

A fastText / model2vec ``StaticModelForClassification``-style model: the texts' token
counts (the packaged ``minilm_static`` tokenisation, exactly as ``_text.embed_with`` reads
it at run time: checked to 3e-7 in ``prep``) times a table, divided by the token count,
l2-normalised, then a linear head. The table starts from a packaged one (``toxic_static``,
or ``minilm_static`` through a learned 256 -> 64 projection, so the result keeps
``toxic_static``'s shape), and is trained on the fit part of OffensEval train with hard
labels (seeded; two epochs fit the head alone, then SparseAdam on the table; the best
epoch by dev macro-F1 is kept). ``eval`` then fits the packaged student's recipe (C 3,
MiniLM block x0.5, abuse cues; scripts/train_moderation.py) with the table block read
back as int8 (as ``distill_embeddings.write_int8`` stores it), on dev or on the seventh
round's three thirds of fit (``--folds``); ``--bag N`` averages N bootstrap fits' weights
(one linear model, so nothing changes at run time).

``--crossfit J`` is needed: a table tuned on the student's own training rows makes the
student over-trust its block (dev 0.741 at threshold 0.74-0.76, against 0.774 for the
packaged table); with the student fitted on out-of-part blocks it is 0.772, level with the
packaged table (BENCHMARKS.md, "Toxicity, ninth round"). Nothing of it was packaged.

Two virtual environments (torch is a training tool, never in .venv):

    .venv/bin/python scripts/finetune_toxic_static.py prep       # token counts, labels
    .venv-distill/bin/python scripts/finetune_toxic_static.py train --init toxic_static \\
        --epochs 4 --crossfit 5 --out benchmarks/_work/toxic/ft_b.npy [--fold K]
    .venv/bin/python scripts/finetune_toxic_static.py eval \\
        --table benchmarks/_work/toxic/ft_b.npy --weights 0.5 1 2 [--folds] [--bag 5]

``.venv-distill`` needs only torch 2.13.0 (CPU) and NumPy/SciPy (built as
``toxicity_teacher.py``'s docstring says). NEEDS ../shared/data/toxicity; the OffensEval
val file (the test) is never read here. Working files go to benchmarks/_work/toxic/
(no text, but derived from research data: never committed). With ``--folds`` a table
file ``X.npy`` is read as ``X_fold{k}.npy`` for third k (train it with ``--fold k``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / "_work" / "toxic"
MODELS = ROOT / "src" / "socialproof" / "data" / "models"


def _fit_thirds(n: int) -> Any:
    """The seeded thirds of the fit part (as scripts/toxicity_teacher.py ``fit_thirds``)."""
    import numpy as np

    fold = np.arange(n) % 3
    np.random.default_rng(1).shuffle(fold)
    return fold


def token_counts(texts: list[str]) -> Any:
    """(n, vocabulary) float32 token counts of each text, as ``_text.embed_with`` tokenises
    it (cleaned, cut, first ``max_length`` tokens, unknown tokens dropped): the table
    block is ``normalise(counts @ table / counts.sum(1))``."""
    import numpy as np
    import scipy.sparse as sp

    sys.path.insert(0, str(ROOT))
    from socialproof.community import _text, _text_embed

    static = _text_embed._static()
    model = static.model
    batch = [_text.clean(t) for t in _text.as_texts(texts)]
    limit = model.max_length
    rows: list[Any] = [None] * len(batch)
    fast, kept, slow, other = static.split(batch)  # as the run-time pooling splits them
    v = len(model.tokens)
    if fast:
        counts, _ = static._counts(kept, limit)
        counts = counts.tocsr()
        counts.sum_duplicates()
        for j, i in enumerate(fast):
            rows[i] = counts[j]
    if slow:
        for i, ids in zip(slow, model.tokenize(other), strict=True):
            row = np.bincount(np.asarray(ids, dtype=np.int64), minlength=v).astype(np.float32)
            rows[i] = sp.csr_matrix(row)
    return sp.vstack(rows, format="csr")


def prep(data: Path) -> None:
    """Token counts and labels of fit and dev (benchmarks/_work/toxic/counts.npz), checked
    against ``_text.embed_with`` on the packaged table."""
    import numpy as np
    import pandas as pd
    import scipy.sparse as sp

    sys.path.insert(0, str(ROOT))
    from benchmarks._textmodels_common import split_of

    from socialproof.community import _text

    train = pd.read_csv(data / "toxicity" / "tweeteval_offensive_train.csv")
    part = train["text"].astype(str).map(split_of)
    fit_df, dev_df = train[part != "dev"], train[part == "dev"]
    WORK.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, Any] = {}
    for name, df in (("fit", fit_df), ("dev", dev_df)):
        texts = df["text"].astype(str).tolist()
        counts = token_counts(texts)
        table, normalise = _text.static_table("toxic_static")
        assert normalise
        mine = np.asarray(counts @ table) / np.maximum(counts.sum(1).A, 1)
        mine /= np.linalg.norm(mine, axis=1, keepdims=True) + 1e-32
        ref = _text.embed_with(texts, ["toxic_static"])[1]
        print(
            f"{name}: {len(texts)} texts, max |counts block - embed_with| "
            f"{np.abs(mine - ref).max():.2e}"
        )
        arrays[f"{name}_y"] = (df["label"] == "offensive").to_numpy().astype(np.int8)
        sp.save_npz(WORK / f"counts_{name}.npz", counts)
    arrays["fold"] = _fit_thirds(len(fit_df))
    np.savez(WORK / "labels.npz", **arrays)
    print(f"wrote {WORK}/counts_fit.npz, counts_dev.npz, labels.npz")


def _tune(
    cf: Any, y: Any, cd: Any, yd: Any, args: argparse.Namespace
) -> tuple[Any, float, int, list[Any]]:
    """One fine-tuning of the table on (cf, y), early-stopped on dev macro-F1 (its best
    threshold): (table, dev F1, epoch, history). Seeded."""
    import numpy as np
    import torch

    torch.manual_seed(args.seed)
    init = load_table(args.init)
    # sparse gradients: a step touches only the rows of its batch's tokens
    bag = torch.nn.EmbeddingBag.from_pretrained(
        torch.from_numpy(init.copy()), freeze=False, mode="sum", sparse=True
    )
    proj = None
    dim = init.shape[1]
    dense: list[Any] = []
    if args.dims and args.dims < dim:
        # start from the PCA of the token rows weighted by their fit frequency
        freq = np.asarray(cf.sum(0)).ravel() + 1.0
        centred = init - (freq[:, None] * init).sum(0) / freq.sum()
        cov = (centred * freq[:, None]).T @ centred / freq.sum()
        _, vecs = np.linalg.eigh(cov)
        proj = torch.nn.Parameter(torch.from_numpy(vecs[:, ::-1][:, : args.dims].copy()))
        dense.append(proj)
        dim = args.dims
    head = torch.nn.Linear(dim, 1)
    opt_table = torch.optim.SparseAdam(list(bag.parameters()), lr=args.lr)
    opt = torch.optim.Adam(
        [{"params": dense, "lr": args.lr}, {"params": head.parameters(), "lr": args.head_lr}]
    )

    def sparse(m: Any) -> tuple[Any, Any, Any]:
        """(ids, offsets, weights) of csr rows: each row's mean token (EmbeddingBag)."""
        m = m.tocsr()
        rows = np.diff(m.indptr)
        totals = np.asarray(m.sum(1)).ravel()
        w = m.data / np.maximum(np.repeat(totals, rows), 1)
        return (
            torch.from_numpy(m.indices.astype(np.int64)),
            torch.from_numpy(m.indptr[:-1].astype(np.int64)),
            torch.from_numpy(w.astype(np.float32)),
        )

    def pooled(m: tuple[Any, Any, Any]) -> Any:
        out = bag(m[0], m[1], per_sample_weights=m[2])
        if proj is not None:  # (mean then project = project then mean)
            out = out @ proj
        return out / (out.norm(dim=1, keepdim=True) + 1e-12)

    def current() -> Any:
        table = bag.weight.detach()
        return (table if proj is None else table @ proj.detach()).numpy().copy()

    dev_m = sparse(cd)

    def dev_f1() -> tuple[float, float]:
        with torch.no_grad():
            p = torch.sigmoid(head(pooled(dev_m))).numpy().ravel()
        best = (0.5, 0.0)
        for t in np.arange(0.2, 0.96, 0.02):
            f = macro_f1(yd, p >= t)
            if f > best[1] + 1e-9:
                best = (round(float(t), 2), float(f))
        return best

    pos = float(y.mean())
    weight = torch.tensor([(1 - pos) / pos]) if args.balanced else None
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=weight)
    # the first epochs fit the head with the table frozen (a linear probe), then both
    rng = np.random.default_rng(args.seed)
    n = cf.shape[0]
    best: tuple[float, int, Any] = (-1.0, -1, None)
    history = []
    for epoch in range(args.epochs + args.probe_epochs):
        tune = epoch >= args.probe_epochs
        order = rng.permutation(n)
        for s in range(0, n, args.batch):
            idx = order[s : s + args.batch]
            logits = head(pooled(sparse(cf[idx]))).ravel()
            loss = loss_fn(logits, torch.from_numpy(y[idx]))
            opt.zero_grad()
            opt_table.zero_grad()
            loss.backward()
            if tune:
                opt_table.step()
                opt.step()
            else:  # only the head moves
                for p in dense:
                    p.grad = None
                opt.step()
        thr, f = dev_f1()
        history.append((epoch, thr, round(f, 4)))
        print(
            f"  epoch {epoch} ({'tune' if tune else 'probe'}): dev macro-F1 {f:.4f} at {thr}",
            flush=True,
        )
        if tune and f > best[0]:
            best = (f, epoch, current())
    assert best[2] is not None
    return best[2].astype(np.float32), best[0], best[1], history


def train(args: argparse.Namespace) -> None:
    """Fine-tune the table (torch; .venv-distill) on fit (with ``--fold K``: fit minus
    third K), early-stopped on dev. With ``--crossfit J`` also J tables each without a
    J-th of the training rows, whose blocks of the rows they did not see are saved
    (``<out>.oof.npy``): the student is fitted on those, as at run time it meets texts
    the table did not see (a table tuned on the same rows makes it over-trust the block)."""
    import numpy as np
    import scipy.sparse as sp
    import torch

    torch.set_num_threads(args.threads)
    labels = np.load(WORK / "labels.npz")
    cf = sp.load_npz(WORK / "counts_fit.npz").tocsr()
    cd = sp.load_npz(WORK / "counts_dev.npz").tocsr()
    y, yd = labels["fit_y"].astype(np.float32), labels["dev_y"].astype(int)
    if args.fold >= 0:
        keep = labels["fold"] != args.fold
        cf, y = cf[keep], y[keep]
    meta: dict[str, Any] = {k: v for k, v in vars(args).items() if k != "func"}
    if args.crossfit > 1:
        part = np.arange(cf.shape[0]) % args.crossfit
        np.random.default_rng(args.seed + 7).shuffle(part)
        oof: np.ndarray | None = None  # as wide as the tuned table (--dims 0 keeps 256)
        for j in range(args.crossfit):
            print(f"crossfit part {j}", flush=True)
            held = part == j
            table, f, ep, _ = _tune(cf[~held], y[~held], cd, yd, args)
            if oof is None:
                oof = np.zeros((cf.shape[0], table.shape[1]), dtype=np.float32)
            oof[held] = _block(cf[held], _int8(table))
            meta[f"crossfit_{j}"] = {"dev_f1": round(f, 4), "epoch": ep}
        np.save(str(args.out) + ".oof.npy", oof)
    print("all training rows", flush=True)
    table, f, ep, history = _tune(cf, y, cd, yd, args)
    np.save(args.out, table)
    meta.update(best_dev_f1=round(f, 4), best_epoch=ep, history=history)
    Path(str(args.out) + ".json").write_text(json.dumps(meta, default=str, indent=1) + "\n")
    print(f"wrote {args.out}: epoch {ep}, dev {f:.4f}")


def _base(data: Path) -> Any:
    """The student's features without the table block (hashed words, lexicon, MiniLM block
    x0.5, abuse cues: train_moderation.features), fit and dev, cached in WORK."""
    import numpy as np
    import scipy.sparse as sp

    path_f, path_d = WORK / "base_fit.npz", WORK / "base_dev.npz"
    if not path_f.exists():
        recipe = _recipe()
        fit_df, dev_df, _ = recipe.offenseval(data)
        for df, path in ((fit_df, path_f), (dev_df, path_d)):
            x = recipe.features(df["text"].astype(str).tolist(), cues="toxic")
            sp.save_npz(path, x)
    labels = np.load(WORK / "labels.npz")
    return sp.load_npz(path_f).tocsr(), sp.load_npz(path_d).tocsr(), labels


def _recipe() -> Any:
    sys.path.insert(0, str(ROOT))
    from benchmarks._textmodels_common import load_script

    return load_script("train_moderation")


def _block(counts: Any, table: Any) -> Any:
    import numpy as np

    out = np.asarray(counts @ table, dtype=np.float32) / np.maximum(counts.sum(1).A, 1)
    return out / (np.linalg.norm(out, axis=1, keepdims=True) + 1e-32)


def _int8(table: Any) -> Any:
    """The table as it reads back from write_int8 (int8 rows, float16 scale per row)."""
    import numpy as np

    scale = np.abs(table).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    q = np.round(table / scale[:, None]).astype(np.int8)
    return q.astype(np.float32) * scale.astype(np.float16).astype(np.float32)[:, None]


def evaluate(args: argparse.Namespace) -> None:
    """The student (C 3, balanced, MiniLM block x0.5, cues) with the table block at each
    scale: dev macro-F1 at the dev threshold, or with ``--folds`` the three thirds of fit
    (table file ``{stem}_fold{k}.npy`` for third k, student fitted on the other two,
    threshold per third, as in the seventh round)."""
    import numpy as np
    import scipy.sparse as sp

    recipe = _recipe()
    xf, xd, labels = _base(args.data)
    y, yd = labels["fit_y"].astype(int), labels["dev_y"].astype(int)
    cf = sp.load_npz(WORK / "counts_fit.npz").tocsr()
    cd = sp.load_npz(WORK / "counts_dev.npz").tocsr()
    fold = labels["fold"]

    def table_of(path: str) -> Any:
        if path in ("none", ""):
            return None
        if path in ("toxic_static", "minilm_static"):
            return load_table(path)
        return _int8(np.load(path))

    def fit_block(path: str, table: Any, rows: Any) -> Any:
        """The fit rows' block: out-of-part (<path>.oof.npy, rows of the table's training
        set) when the table was cross-fitted, else the table's own."""
        oof = Path(path + ".oof.npy")
        if oof.exists():
            out = _block(cf, table)
            out[rows] = np.load(oof)
            return out
        return _block(cf, table)

    single: list[Any] = []  # the unbagged fit's probabilities of ``probe`` (folds)
    probe = None

    def fit(x: Any, yy: Any) -> Any:
        """The student; with ``--bag N`` the mean weights of N bootstrap fits (seeded),
        still one linear model."""
        model = recipe.fit(x, yy, args.C)
        single.append(model.predict_proba(probe)[:, 1] if probe is not None else None)
        if args.bag > 1:
            rng = np.random.default_rng(0)
            coefs, icpts = [], []
            for _ in range(args.bag):
                draw = np.bincount(rng.integers(0, len(yy), len(yy)), minlength=len(yy))
                m = recipe.fit(x, yy, args.C, draw.astype(float))
                coefs.append(m.coef_)
                icpts.append(m.intercept_)
            model.coef_ = np.mean(coefs, axis=0)
            model.intercept_ = np.mean(icpts, axis=0)
        return model

    for w in args.weights:
        if not args.folds:
            table = table_of(args.table)
            every = np.ones(len(y), dtype=bool)
            bf = (
                [xf]
                if table is None
                else [xf, sp.csr_matrix(fit_block(args.table, table, every) * w)]
            )
            bd = [xd] if table is None else [xd, sp.csr_matrix(_block(cd, table) * w)]
            model = fit(sp.hstack(bf, format="csr"), y)
            p = model.predict_proba(sp.hstack(bd, format="csr"))[:, 1]
            thr, f = recipe.best_threshold(yd, p)
            print(f"{args.table} x{w} C {args.C}: dev macro-F1 {f:.4f} at {thr}", flush=True)
            bag = f".bag{args.bag}" if args.bag > 1 else ""
            np.save(WORK / f"{Path(args.table).name}{bag}.devp_x{w}.npy", p)
            continue
        scores = []
        for k in range(3):
            path = args.table
            if path.endswith(".npy"):
                path = path[: -len(".npy")] + f"_fold{k}.npy"
            table = table_of(path)
            blk = None if table is None else sp.csr_matrix(fit_block(path, table, fold != k) * w)
            x = xf if blk is None else sp.hstack([xf, blk], format="csr")
            held = fold == k
            probe = x[held]
            model = fit(x[~held], y[~held])
            p = model.predict_proba(x[held])[:, 1]
            scores.append(recipe.best_threshold(y[held], p)[1])
            if args.bag > 1:
                print(
                    f"  third {k}: single fit {recipe.best_threshold(y[held], single[-1])[1]:.4f}, "
                    f"{args.bag} bags {scores[-1]:.4f}",
                    flush=True,
                )
        print(
            f"{args.table} x{w} C {args.C}: folds "
            + " / ".join(f"{s:.4f}" for s in scores)
            + f", mean {np.mean(scores):.4f}",
            flush=True,
        )


def macro_f1(y: Any, pred: Any) -> float:
    """Macro-F1 of two classes (sklearn's, without sklearn in .venv-distill)."""
    out = 0.0
    for c in (0, 1):
        tp = float(((pred == c) & (y == c)).sum())
        fp = float(((pred == c) & (y != c)).sum())
        fn = float(((pred != c) & (y == c)).sum())
        out += 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)
    return out / 2


def load_table(name: str) -> Any:
    """A packaged int8 table (``toxic_static`` or ``minilm_static``) as float32."""
    import numpy as np

    with np.load(MODELS / name / "embeddings.npz") as npz:
        return npz["q"].astype(np.float32) * npz["scale"].astype(np.float32)[:, None]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prep")
    p.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    t = sub.add_parser("train")
    t.add_argument("--init", default="toxic_static", choices=["toxic_static", "minilm_static"])
    t.add_argument("--dims", type=int, default=64, help="project to this many dims (learned)")
    t.add_argument("--out", type=Path, required=True)
    t.add_argument("--fold", type=int, default=-1)
    t.add_argument("--epochs", type=int, default=8)
    t.add_argument("--probe-epochs", type=int, default=2)
    t.add_argument("--lr", type=float, default=1e-3)
    t.add_argument("--head-lr", type=float, default=1e-2)
    t.add_argument("--batch", type=int, default=32)
    t.add_argument("--balanced", action="store_true")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--threads", type=int, default=1)
    t.add_argument("--crossfit", type=int, default=0, help="out-of-part blocks for the student")
    e = sub.add_parser("eval")
    e.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    e.add_argument("--table", default="toxic_static", help="none, a packaged table or a .npy")
    e.add_argument("--weights", type=float, nargs="+", default=[0.5, 1.0])
    e.add_argument("--C", type=float, default=3.0)
    e.add_argument("--folds", action="store_true")
    e.add_argument("--bag", type=int, default=0, help="average this many bootstrap fits")
    args = parser.parse_args()
    if args.cmd == "eval":
        evaluate(args)
    elif args.cmd == "prep":
        prep(args.data)
    elif args.cmd == "train":
        train(args)


if __name__ == "__main__":
    main()
