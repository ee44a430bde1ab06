"""Token-sequence views for the toxic student: max-pooled token scores and a CNN (toxicity,
tenth round).

A mean-pooled bag cannot see one strong token or a short phrase. Two views that can:

- ``pools``: a logistic head (C 1) on a packaged table's mean-pooled block scores every
  vocabulary token (its row times the head); the max and the mean of the two highest
  scores over a tweet's tokens, z-scored, are appended to the packaged student's features.
  The student's fit rows get the scores of 5 heads that did not see them (cross-fitted).
- ``cnn``: a Kim-style CNN (64-d embeddings from ``toxic_static``, a PCA 64 of
  ``minilm_static`` weighted by fit token frequency, or both; conv widths 2 / 3 / 4, 64
  filters each, ReLU, max over time, dropout 0.5, one logit), seeded, one thread. After
  each epoch it saves the dev logits of the CNN trained on all training rows and, with
  ``--crossfit J``, the out-of-part logits of J CNNs each without a J-th of the rows.
  ``eval --cnn PREFIX --epoch E`` stacks that logit (z-scored) into the student.

``eval`` scores a candidate on dev (paired bootstrap against the packaged recipe) or, with
``--thirds``, on the seventh round's three thirds of fit (for ``cnn`` train one run per
third with ``--fold K``; the files are read as ``PREFIX_fold{K}``). Nothing here was
packaged: no candidate reached the round's bar (BENCHMARKS.md, "Toxicity, tenth round").

    .venv/bin/python scripts/finetune_toxic_static.py prep     # counts, labels (once)
    .venv/bin/python scripts/toxic_token_models.py prep        # token sequences
    .venv/bin/python scripts/toxic_token_models.py eval --pools minilm_static --weight 0.5
    .venv-distill/bin/python scripts/toxic_token_models.py cnn --init toxic_static \\
        --epochs 3 --crossfit 5 --out benchmarks/_work/toxic/cnn_tox [--fold K]
    .venv/bin/python scripts/toxic_token_models.py eval \\
        --cnn benchmarks/_work/toxic/cnn_tox --epoch 0 [--thirds]

NEEDS ../shared/data/toxicity (through finetune_toxic_static.py's work files); the
OffensEval val file (the test) is never read here. Working files go to
benchmarks/_work/toxic/ (no text, but derived from research data: never committed).
``cnn`` runs in ``.venv-distill`` (torch 2.13.0 CPU and NumPy only); torch is never a
run-time dependency.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / "_work" / "toxic"
MODELS = ROOT / "src" / "socialproof" / "data" / "models"


def _fts() -> Any:
    """finetune_toxic_static.py: this script reads its work files and shares its helpers
    (the packaged tables as float32, macro-F1 without sklearn, the student's blocks)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import finetune_toxic_static

    return finetune_toxic_static


def sequences(texts: list[str]) -> list[Any]:
    """Each text's token ids in order, as ``_text.embed_with`` reads them at run time:
    cleaned, cut (``_Static.split``), split into words and WordPiece tokens, the first
    ``max_length`` tokens, unknown tokens dropped (read off ``_Static._counts``, whose rows
    hold them in order); other texts through the model's tokenizer."""
    import numpy as np

    sys.path.insert(0, str(ROOT / "src"))
    from socialproof.community import _text, _text_embed

    static = _text_embed._static()
    model = static.model
    batch = [_text.clean(t) for t in _text.as_texts(texts)]
    fast, kept, slow, other = static.split(batch)
    out: list[Any] = [None] * len(batch)
    if fast:
        # the run-time counts keep each row's token ids in reading order (duplicates unsummed)
        counts, _ = static._counts(kept, model.max_length)
        for j, i in enumerate(fast):
            row = counts.indices[counts.indptr[j] : counts.indptr[j + 1]]
            out[i] = row.astype(np.int32)
    if slow:
        for i, ids in zip(slow, model.tokenize(other), strict=True):
            out[i] = np.asarray(ids, dtype=np.int32)
    return out


def prep(data: Path) -> None:
    """Token sequences of fit and dev (seqs.npz: flat ids and offsets), checked against
    finetune_toxic_static.py's token counts (same bag of ids)."""
    import numpy as np
    import pandas as pd
    import scipy.sparse as sp

    sys.path.insert(0, str(ROOT))
    from benchmarks._textmodels_common import split_of

    train = pd.read_csv(data / "toxicity" / "tweeteval_offensive_train.csv")
    part = train["text"].astype(str).map(split_of)
    arrays: dict[str, Any] = {}
    for name, df in (("fit", train[part != "dev"]), ("dev", train[part == "dev"])):
        seqs = sequences(df["text"].astype(str).tolist())
        off = np.concatenate([[0], np.cumsum([len(s) for s in seqs])]).astype(np.int64)
        ids = np.concatenate(seqs)
        counts = sp.load_npz(WORK / f"counts_{name}.npz").tocsr()
        # copies: csr_matrix shares its index arrays and sum_duplicates sorts them in place
        mine = sp.csr_matrix(
            (np.ones(len(ids), np.float32), ids.copy(), off.copy()), shape=counts.shape
        )
        mine.sum_duplicates()
        print(
            f"{name}: {len(seqs)} texts, {len(ids)} tokens, |bag - counts| {abs(mine - counts).sum()}"
        )
        arrays[f"{name}_ids"], arrays[f"{name}_off"] = ids, off
    np.savez(WORK / "seqs.npz", **arrays)
    print(f"wrote {WORK / 'seqs.npz'}")


# ------------------------------------------------------------------------------- CNN


def cnn(args: argparse.Namespace) -> None:
    """Train the CNN (torch, .venv-distill); logits per epoch (see the module docstring)."""
    import numpy as np
    import torch

    torch.set_num_threads(1)
    lab = np.load(WORK / "labels.npz")
    s = np.load(WORK / "seqs.npz")
    y_all = lab["fit_y"].astype(np.float32)
    yd = lab["dev_y"].astype(int)

    def split(ids: Any, off: Any) -> list[Any]:
        return [ids[off[i] : off[i + 1]] for i in range(len(off) - 1)]

    fit_s, dev_s = split(s["fit_ids"], s["fit_off"]), split(s["dev_ids"], s["dev_off"])

    def mini_pca() -> Any:  # no labels: fit token frequencies only
        t = _fts().load_table("minilm_static").astype(np.float64)
        freq = np.bincount(s["fit_ids"], minlength=t.shape[0]) + 1.0
        mu = (freq[:, None] * t).sum(0) / freq.sum()
        cov = ((t - mu) * freq[:, None]).T @ (t - mu) / freq.sum()
        vecs = np.linalg.eigh(cov)[1][:, ::-1][:, :64]
        e = ((t - mu) @ vecs).astype(np.float32)
        return e / e.std() * _fts().load_table("toxic_static").std()

    if args.init == "toxic_static":
        e0 = _fts().load_table("toxic_static")
    elif args.init == "both":
        e0 = np.hstack([_fts().load_table("toxic_static"), mini_pca()])
    else:
        e0 = mini_pca()
    vocab, dim = e0.shape
    kmax = max(args.widths)

    class Net(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            table = torch.from_numpy(np.vstack([e0, np.zeros((1, dim), np.float32)]))
            self.emb = torch.nn.Embedding.from_pretrained(
                table, freeze=args.emb_lr == 0, padding_idx=vocab
            )
            self.convs = torch.nn.ModuleList(
                torch.nn.Conv1d(dim, args.filters, k) for k in args.widths
            )
            self.drop = torch.nn.Dropout(args.dropout)
            self.out = torch.nn.Linear(args.filters * len(args.widths), 1)

        def forward(self, ids: Any, lens: Any) -> Any:
            x = self.emb(ids).transpose(1, 2)
            length = torch.clamp(lens, min=kmax)  # texts padded to kmax with the zero row
            pooled = []
            for k, conv in zip(args.widths, self.convs, strict=True):
                h = torch.relu(conv(x))
                valid = torch.arange(h.shape[2])[None, :] <= (length - k)[:, None]
                pooled.append((h * valid[:, None, :]).amax(2))  # ReLU >= 0: masked = 0
            return self.out(self.drop(torch.cat(pooled, 1))).squeeze(1)

    def batch(ss: list[Any]) -> tuple[Any, Any]:
        lens = np.array([len(q) for q in ss])
        ids = np.full((len(ss), max(kmax, int(lens.max(initial=0)))), vocab, np.int64)
        for i, q in enumerate(ss):
            ids[i, : len(q)] = q
        return torch.from_numpy(ids), torch.from_numpy(lens)

    def predict(net: Any, ss: list[Any]) -> Any:
        net.eval()
        res = np.zeros(len(ss), np.float32)
        order = np.argsort([len(q) for q in ss], kind="stable")
        with torch.no_grad():
            for b in range(0, len(ss), 256):
                idx = order[b : b + 256]
                res[idx] = net(*batch([ss[i] for i in idx])).numpy()
        net.train()
        return res

    def train(rows: Any, evals: list[list[Any]]) -> list[list[Any]]:
        torch.manual_seed(args.seed)
        rng = np.random.default_rng(args.seed)
        net = Net()
        groups: list[dict[str, Any]] = [
            {"params": [p for n, p in net.named_parameters() if not n.startswith("emb")]}
        ]
        if args.emb_lr > 0:
            groups.append({"params": list(net.emb.parameters()), "lr": args.emb_lr})
        opt = torch.optim.Adam(groups, lr=args.lr)
        yy, ss = y_all[rows], [fit_s[i] for i in rows]
        pos = float(yy.mean())
        loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor([(1 - pos) / pos]))
        outs = []
        for _ in range(args.epochs):
            order = rng.permutation(len(rows))
            for b in range(0, len(rows), args.batch):
                idx = order[b : b + args.batch]
                loss = loss_fn(net(*batch([ss[i] for i in idx])), torch.from_numpy(yy[idx]))
                opt.zero_grad()
                loss.backward()
                opt.step()
            outs.append([predict(net, ev) for ev in evals])
        return outs

    t0 = time.time()
    n = len(fit_s)
    rows = np.arange(n) if args.fold < 0 else np.flatnonzero(lab["fold"] != args.fold)
    held = [] if args.fold < 0 else [fit_s[i] for i in np.flatnonzero(lab["fold"] == args.fold)]
    out = str(args.out) + (f"_fold{args.fold}" if args.fold >= 0 else "")
    outs = train(rows, [dev_s] + ([held] if held else []))
    dev = np.stack([o[0] for o in outs])
    for ep in range(args.epochs):
        thr, f = _best_threshold(yd, 1 / (1 + np.exp(-dev[ep])))
        print(f"epoch {ep}: CNN alone dev macro-F1 {f:.4f} at {thr}", flush=True)
    np.save(out + ".dev.npy", dev)
    if held:
        np.save(out + ".held.npy", np.stack([o[1] for o in outs]))
    if args.crossfit > 1:
        part = np.arange(len(rows)) % args.crossfit
        np.random.default_rng(args.seed + 7).shuffle(part)
        oof = np.zeros((args.epochs, len(rows)), np.float32)  # in ``rows`` order
        for j in range(args.crossfit):
            h = part == j
            got = train(rows[~h], [[fit_s[i] for i in rows[h]]])
            for ep in range(args.epochs):
                oof[ep, h] = got[ep][0]
            print(f"crossfit part {j} done ({time.time() - t0:.0f}s)", flush=True)
        np.save(out + ".oof.npy", oof)
    print(f"wrote {out}.*.npy ({time.time() - t0:.0f}s)")


# ------------------------------------------------------------------------------ eval


def _best_threshold(y: Any, p: Any) -> tuple[float, float]:
    """As train_moderation.best_threshold (0.5, then 0.20-0.94 by 0.02), without sklearn."""
    import numpy as np

    macro_f1 = _fts().macro_f1
    best = (0.5, macro_f1(y, p >= 0.5))
    for t in np.arange(0.2, 0.96, 0.02):
        f = macro_f1(y, p >= t)
        if f > best[1] + 1e-9:
            best = (round(float(t), 2), f)
    return best


def _bootstrap(y: Any, a: Any, b: Any, n: int = 2000) -> tuple[float, float, float]:
    """Paired bootstrap of macro-F1(a) - macro-F1(b) (predictions), seeded: gain, 5 %, 95 %."""
    import numpy as np

    macro_f1 = _fts().macro_f1
    rng = np.random.default_rng(0)
    d = []
    for _ in range(n):
        i = rng.integers(0, len(y), len(y))
        d.append(macro_f1(y[i], a[i]) - macro_f1(y[i], b[i]))
    return (
        macro_f1(y, a) - macro_f1(y, b),
        float(np.quantile(d, 0.05)),
        float(np.quantile(d, 0.95)),
    )


def evaluate(args: argparse.Namespace) -> None:
    """The packaged student with the pools or a CNN's logit appended: dev, or the thirds."""
    import numpy as np
    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression

    fts = _fts()
    xf, xd, labels = fts._base(args.data)
    y, yd, fold = labels["fit_y"].astype(int), labels["dev_y"].astype(int), labels["fold"]
    cf = sp.load_npz(WORK / "counts_fit.npz").tocsr()
    cd = sp.load_npz(WORK / "counts_dev.npz").tocsr()
    s = np.load(WORK / "seqs.npz")
    tox = fts.load_table("toxic_static")
    base_f = sp.hstack([xf, sp.csr_matrix(fts._block(cf, tox) * 0.5)], format="csr")
    base_d = sp.hstack([xd, sp.csr_matrix(fts._block(cd, tox) * 0.5)], format="csr")

    def student(x: Any, yy: Any) -> Any:  # the packaged recipe's fit
        return LogisticRegression(C=3.0, class_weight="balanced", max_iter=500).fit(x, yy)

    def pools(score: Any, ids: Any, off: Any, rows: Any) -> Any:
        """max and mean of the top 2 token scores of each row's text (0 for none)"""
        out = np.zeros((len(rows), 2), np.float32)
        sc = score[ids]
        for r, i in enumerate(rows):
            v = sc[off[i] : off[i + 1]]
            if len(v):
                out[r] = (v.max(), np.sort(v)[-2:].mean())
        return out

    table = fts.load_table(args.pools) if args.pools else None

    def head(rows: Any) -> Any:
        m = LogisticRegression(C=1.0, max_iter=1000).fit(fts._block(cf[rows], table), y[rows])
        return table @ m.coef_[0]

    def extra(train: Any, rows_out: Any, ids: Any, off: Any, k: int) -> tuple[Any, Any]:
        """(training rows' feature, scored rows' feature), z-scored on the training rows"""
        idx = np.flatnonzero(train)
        if table is not None:
            part = np.arange(len(idx)) % 5
            np.random.default_rng(7).shuffle(part)
            ft = np.zeros((len(idx), 2), np.float32)
            for j in range(5):
                sub = np.zeros(len(y), bool)
                sub[idx[part != j]] = True
                ft[part == j] = pools(head(sub), s["fit_ids"], s["fit_off"], idx[part == j])
            fo = pools(head(train), ids, off, rows_out)
        else:
            stem = str(args.cnn) + (f"_fold{k}" if k >= 0 else "")
            ft = np.load(stem + ".oof.npy")[args.epoch][:, None]
            fo = np.load(stem + (".held.npy" if k >= 0 else ".dev.npy"))[args.epoch][:, None]
        mu, sd = ft.mean(0), ft.std(0)
        return (ft - mu) / sd * args.weight, (fo - mu) / sd * args.weight

    name = f"pools {args.pools}" if table is not None else f"CNN {args.cnn} epoch {args.epoch}"
    if not args.thirds:
        every = np.ones(len(y), bool)
        ef, ed = extra(every, range(len(yd)), s["dev_ids"], s["dev_off"], -1)
        p0 = student(base_f, y).predict_proba(base_d)[:, 1]
        p = student(sp.hstack([base_f, sp.csr_matrix(ef)], format="csr"), y).predict_proba(
            sp.hstack([base_d, sp.csr_matrix(ed)], format="csr")
        )[:, 1]
        t0, f0 = _best_threshold(yd, p0)
        t, f = _best_threshold(yd, p)
        gain, lo, hi = _bootstrap(yd, p >= t, p0 >= t0)
        print(f"packaged recipe: dev {f0:.4f} at {t0}")
        print(
            f"+ {name} x{args.weight}: dev {f:.4f} at {t}; "
            f"paired bootstrap {gain:+.4f} (90 % {lo:+.4f} to {hi:+.4f})"
        )
        return
    base, cand = [], []
    for k in range(3):
        tr, ho = fold != k, fold == k
        ef, eh = extra(tr, np.flatnonzero(ho), s["fit_ids"], s["fit_off"], k)
        base.append(
            _best_threshold(y[ho], student(base_f[tr], y[tr]).predict_proba(base_f[ho])[:, 1])[1]
        )
        m = student(sp.hstack([base_f[tr], sp.csr_matrix(ef)], format="csr"), y[tr])
        p = m.predict_proba(sp.hstack([base_f[ho], sp.csr_matrix(eh)], format="csr"))[:, 1]
        cand.append(_best_threshold(y[ho], p)[1])
        print(f"third {k}: packaged {base[-1]:.4f}, + {name} {cand[-1]:.4f}", flush=True)
    print(
        f"mean: packaged {np.mean(base):.4f}, + {name} {np.mean(cand):.4f}, "
        f"gain {np.mean(cand) - np.mean(base):+.4f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prep")
    p.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    c = sub.add_parser("cnn")
    c.add_argument("--init", default="toxic_static", choices=["toxic_static", "minilm_pca", "both"])
    c.add_argument("--filters", type=int, default=64)
    c.add_argument("--widths", type=int, nargs="+", default=[2, 3, 4])
    c.add_argument("--epochs", type=int, default=3)
    c.add_argument("--lr", type=float, default=1e-3)
    c.add_argument("--emb-lr", type=float, default=0.0, help="0: the table stays frozen")
    c.add_argument("--dropout", type=float, default=0.5)
    c.add_argument("--batch", type=int, default=64)
    c.add_argument("--seed", type=int, default=0)
    c.add_argument("--crossfit", type=int, default=5)
    c.add_argument("--fold", type=int, default=-1, help="train on fit minus this third")
    c.add_argument("--out", type=Path, required=True)
    e = sub.add_parser("eval")
    e.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    what = e.add_mutually_exclusive_group(required=True)
    what.add_argument("--pools", choices=["toxic_static", "minilm_static"])
    what.add_argument("--cnn", type=Path, help="a cnn run's --out")
    e.add_argument("--epoch", type=int, default=0, help="the CNN epoch (0-based)")
    e.add_argument("--weight", type=float, default=1.0, help="scale of the appended block")
    e.add_argument("--thirds", action="store_true")
    args = parser.parse_args()
    if args.cmd == "prep":
        prep(args.data)
    elif args.cmd == "cnn":
        cnn(args)
    else:
        evaluate(args)


if __name__ == "__main__":
    main()
